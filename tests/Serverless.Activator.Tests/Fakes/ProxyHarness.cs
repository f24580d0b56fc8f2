using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Serverless.Activator.Forwarding;
using Serverless.Activator.Metrics;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Informers;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.Activator.Tests.Fakes;

/// <summary>
/// The activator as the platform host wires it: a Kestrel server on 127.0.0.1:0 running
/// <see cref="FunctionProxy"/>, over a fake endpoint source and an in-memory function store.
/// </summary>
internal sealed class ProxyHarness : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stop;
    private readonly Task _informerRun;

    private ProxyHarness(WebApplication app, FunctionProxy proxy, ActivatorMetrics metrics, HttpClient client, FakeEndpointSource endpoints, RecordingScaleRequester scaler, CancellationTokenSource stop, Task informerRun)
    {
        _app = app;
        Proxy = proxy;
        Metrics = metrics;
        Client = client;
        Endpoints = endpoints;
        Scaler = scaler;
        _stop = stop;
        _informerRun = informerRun;
    }

    public FakeEndpointSource Endpoints { get; }

    public RecordingScaleRequester Scaler { get; }

    public FunctionProxy Proxy { get; }

    public ActivatorMetrics Metrics { get; }

    public HttpClient Client { get; }

    public static Function TestFunction(string name, int containerConcurrency = 0, int timeoutSeconds = 300) => new()
    {
        Metadata = new() { NamespaceProperty = "default", Name = name, ResourceVersion = "1" },
        Spec = new FunctionSpec { TimeoutSeconds = timeoutSeconds, Scale = new ScaleSpec { ContainerConcurrency = containerConcurrency } },
    };

    public static async Task<ProxyHarness> StartAsync(ActivatorOptions options, TimeProvider time, params Function[] functions)
    {
        var informer = new ResourceInformer<Function>(new InMemoryFunctionStore(functions), null, TimeProvider.System, NullLogger.Instance);
        var stop = new CancellationTokenSource();
        var informerRun = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var endpoints = new FakeEndpointSource();
        var scaler = new RecordingScaleRequester();
        var metrics = new ActivatorMetrics(Prometheus.Metrics.NewCustomRegistry());
        var proxy = new FunctionProxy(informer, endpoints, scaler, app.Services.GetRequiredService<IHttpForwarder>(), options, metrics, time, NullLogger<FunctionProxy>.Instance);
        app.Run(proxy.InvokeAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = new Uri(address),
            Timeout = TimeSpan.FromSeconds(60),
        };
        return new ProxyHarness(app, proxy, metrics, client, endpoints, scaler, stop, informerRun);
    }

    /// <summary>Waits (polling, bounded) until the function has <paramref name="count"/> requests queued or in flight.</summary>
    public async Task WaitForActiveAsync(FunctionKey key, int count)
    {
        for (var i = 0; i < 1000 && Proxy.ActiveRequests(key) != count; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(count, Proxy.ActiveRequests(key));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _stop.CancelAsync();
        await _app.StopAsync();
        Proxy.Dispose();
        await _app.DisposeAsync();
        await _informerRun;
        _stop.Dispose();
    }
}
