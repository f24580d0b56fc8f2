using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Serverless.Activator.Configuration;
using Serverless.Activator.Forwarding;
using Serverless.Activator.Functions;
using Serverless.Activator.Metrics;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using Serverless.TestSupport;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.Activator.Tests.Fakes;

/// <summary>
/// The activator as the platform host wires it: a Kestrel server on 127.0.0.1:0 running
/// <see cref="FunctionProxy"/> over a <see cref="FunctionRegistry"/>, a fake endpoint source and an in-memory function store.
/// </summary>
internal sealed class ProxyHarness : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stop;
    private readonly Task _informerRun;

    private ProxyHarness(
        WebApplication app,
        FunctionRegistry functions,
        FunctionProxy proxy,
        ActivatorOptions options,
        ActivatorMetrics metrics,
        HttpClient client,
        FakeEndpointSource endpoints,
        RecordingScaleRequester scaler,
        CancellationTokenSource stop,
        Task informerRun)
    {
        _app = app;
        Functions = functions;
        Proxy = proxy;
        Options = options;
        Metrics = metrics;
        Client = client;
        Endpoints = endpoints;
        Scaler = scaler;
        _stop = stop;
        _informerRun = informerRun;
    }

    public FakeEndpointSource Endpoints { get; }

    public RecordingScaleRequester Scaler { get; }

    public FunctionRegistry Functions { get; }

    public FunctionProxy Proxy { get; }

    public ActivatorOptions Options { get; }

    public ActivatorMetrics Metrics { get; }

    public HttpClient Client { get; }

    public static Function TestFunction(string name, int containerConcurrency = 0, int timeoutSeconds = 300) => new()
    {
        Metadata = new() { NamespaceProperty = "default", Name = name, ResourceVersion = "1" },
        Spec = new FunctionSpec { TimeoutSeconds = timeoutSeconds, Scale = new ScaleSpec { ContainerConcurrency = containerConcurrency } },
    };

    public static Task<ProxyHarness> StartAsync(ActivatorOptions options, TimeProvider time, params Function[] functions) =>
        StartAsync(options, time, HttpProtocols.Http1AndHttp2, functions);

    /// <param name="protocols">Http2 alone makes an h2c listener (HTTP/2 without TLS), the way gRPC clients reach a function.</param>
    public static async Task<ProxyHarness> StartAsync(ActivatorOptions options, TimeProvider time, HttpProtocols protocols, params Function[] functions)
    {
        var informer = new ResourceInformer<Function>(new InMemoryFunctionStore(functions), null, TimeProvider.System, NullLogger.Instance);
        var stop = new CancellationTokenSource();
        var informerRun = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var endpoints = new FakeEndpointSource();
        var scaler = new RecordingScaleRequester();
        var metrics = new ActivatorMetrics(Prometheus.Metrics.NewCustomRegistry());
        var registry = new FunctionRegistry(informer, endpoints, options, metrics, time);
        FunctionProxy? created = null;
        var app = await LoopbackApp.StartAsync(
            app =>
            {
                var proxy = new FunctionProxy(registry, scaler, app.Services.GetRequiredService<IHttpForwarder>(), options, metrics, NullLogger<FunctionProxy>.Instance);
                app.Run(proxy.InvokeAsync);
                created = proxy;
            },
            services => services.AddHttpForwarder(),
            protocols: protocols,
            kestrel: k => k.Limits.MaxRequestBodySize = null);
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = LoopbackApp.AddressOf(app),
            Timeout = TimeSpan.FromSeconds(60),
        };
        return new ProxyHarness(app, registry, created!, options, metrics, client, endpoints, scaler, stop, informerRun);
    }

    /// <summary>Waits (polling, bounded) until the function has <paramref name="count"/> requests queued or in flight.</summary>
    public async Task WaitForActiveAsync(FunctionKey key, int count)
    {
        for (var i = 0; i < 1000 && Functions.ActiveRequests(key) != count; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(count, Functions.ActiveRequests(key));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _stop.CancelAsync();
        await _app.StopAsync();
        Proxy.Dispose();
        Functions.Dispose();
        await _app.DisposeAsync();
        await _informerRun;
        _stop.Dispose();
    }
}
