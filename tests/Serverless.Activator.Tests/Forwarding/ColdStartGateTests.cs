using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Activator.Configuration;
using Serverless.Activator.Forwarding;
using Serverless.Activator.Functions;
using Serverless.Activator.Metrics;
using Serverless.Activator.Tests.Fakes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using Serverless.TestSupport;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.Activator.Tests.Forwarding;

/// <summary>
/// The <see cref="ColdStartGate"/> in front of the real <see cref="FunctionProxy"/> on a loopback Kestrel, as the
/// Kubernetes activator wires it with warm pools: the start the gate waits for is the test's.
/// </summary>
public sealed class ColdStartGateTests
{
    private static readonly FunctionKey Hello = new("default", "hello");

    [Fact]
    public async Task ColdRequests_StartFails_AllAnsweredItsProblemAndOneStart()
    {
        var release = new TaskCompletionSource();
        var starts = 0;
        await using var gate = await GateHarness.StartAsync(async (_, key) =>
        {
            Interlocked.Increment(ref starts);
            await release.Task;
            return new ColdStartFailure(StatusCodes.Status500InternalServerError, "The function cannot be loaded", $"Function {key}: the function cannot be loaded: handler \"main:nope\"");
        });

        var first = gate.Client.GetAsync("/default/hello/");
        var second = gate.Client.GetAsync("/default/hello/");
        for (var i = 0; i < 1000 && gate.Scaler.Requests.Count < 2; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(2, gate.Scaler.Requests.Count);
        release.SetResult();
        using var a = await first;
        using var b = await second;

        Assert.Equal((HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError), (a.StatusCode, b.StatusCode));
        Assert.Equal("application/problem+json", a.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonDocument.Parse(await a.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("The function cannot be loaded", problem.GetProperty("title").GetString());
        Assert.Equal("Function default/hello: the function cannot be loaded: handler \"main:nope\"", problem.GetProperty("detail").GetString());
        Assert.Equal(1, starts);
        Assert.All(gate.Scaler.Requests, k => Assert.Equal(Hello, k));
    }

    [Fact]
    public async Task ColdRequest_StartMakesAnInstance_ForwardedToIt()
    {
        await using var instance = await LoopbackApp.StartAsync(app => app.Run(c => c.Response.WriteAsync("from the specialized instance")));
        GateHarness? harness = null;
        await using var gate = harness = await GateHarness.StartAsync((_, key) =>
        {
            // As the pod relabelled into the function reaches the activator: through the endpoint source.
            harness!.Endpoints.Set(key, new InstanceEndpoint("pool-pod", "127.0.0.1", LoopbackApp.AddressOf(instance).Port, 0));
            return Task.FromResult<ColdStartFailure?>(null);
        });

        using var response = await gate.Client.GetAsync("/default/hello/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from the specialized instance", await response.Content.ReadAsStringAsync());
        Assert.Equal([Hello], gate.Scaler.Requests);
    }

    [Fact]
    public async Task ColdRequest_ToAnotherRevisionsWorkload_NotSpecialized_ThatRevisionScaledFromZero()
    {
        await using var instance = await LoopbackApp.StartAsync(app => app.Run(c => c.Response.WriteAsync("revision two")));
        var function = ProxyHarness.TestFunction("hello");
        function.Status = new FunctionStatus
        {
            FunctionKeyRevision = "hello-00001",
            Traffic = [new TrafficTarget { RevisionName = "hello-00002", Percent = 100 }],
        };
        var starts = 0;
        GateHarness? harness = null;
        var revision = new FunctionKey("default", "hello-00002");
        await using var gate = harness = await GateHarness.StartAsync(
            (_, _) =>
            {
                Interlocked.Increment(ref starts);
                return Task.FromResult<ColdStartFailure?>(null);
            },
            function);

        var request = gate.Client.GetAsync("/default/hello/");
        for (var i = 0; i < 1000 && gate.Scaler.Requests.IsEmpty; i++)
        {
            await Task.Delay(10);
        }

        gate.Endpoints.Set(revision, new InstanceEndpoint("rev-pod", "127.0.0.1", LoopbackApp.AddressOf(instance).Port, 0));
        using var response = await request.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("revision two", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, starts); // the pool makes pods of the Function's own workload, not of another revision's
        Assert.Equal([revision], gate.Scaler.Requests.Distinct());
    }

    [Fact]
    public async Task ColdRequest_ToTheLatestRevisionsOwnWorkload_StartedIntoThatWorkload()
    {
        // Every revision its own workload (Kubernetes since issue #17 item 6): the latest revision, which runs the
        // Function's current spec, is specialized from the pool into its own workload, which is also what is scaled.
        await using var instance = await LoopbackApp.StartAsync(app => app.Run(c => c.Response.WriteAsync("from the latest revision's pool pod")));
        var function = ProxyHarness.TestFunction("hello");
        function.Metadata.Generation = 2;
        function.Status = new FunctionStatus
        {
            ObservedGeneration = 2,
            LatestCreatedRevision = "hello-00002",
            Traffic = [new TrafficTarget { RevisionName = "hello-00002", Percent = 100 }],
        };
        var revision = new FunctionKey("default", "hello-00002");
        var starts = new System.Collections.Concurrent.ConcurrentQueue<(FunctionKey, FunctionKey)>();
        GateHarness? harness = null;
        await using var gate = harness = await GateHarness.StartAsync(
            (key, workload) =>
            {
                starts.Enqueue((key, workload));
                harness!.Endpoints.Set(workload, new InstanceEndpoint("pool-pod", "127.0.0.1", LoopbackApp.AddressOf(instance).Port, 0));
                return Task.FromResult<ColdStartFailure?>(null);
            },
            function,
            revisionWorkloads: true);

        using var response = await gate.Client.GetAsync("/default/hello/");

        Assert.Equal("from the latest revision's pool pod", await response.Content.ReadAsStringAsync());
        Assert.Equal([(Hello, revision)], starts);
        Assert.Equal([revision], gate.Scaler.Requests);
    }

    [Theory]
    [InlineData("status of an older generation", 1, "hello-00002")]
    [InlineData("an older revision routed by name", 2, "hello-00003")]
    public async Task ColdRequest_ToARevisionNotRunningTheCurrentSpec_NotStarted(string label, long observed, string latest)
    {
        // The pool makes pods of the Function's current spec: a revision that may not run it scales from zero instead.
        await using var instance = await LoopbackApp.StartAsync(app => app.Run(c => c.Response.WriteAsync("revision two")));
        var function = ProxyHarness.TestFunction("hello");
        function.Metadata.Generation = 2;
        function.Status = new FunctionStatus
        {
            ObservedGeneration = observed,
            LatestCreatedRevision = latest,
            Traffic = [new TrafficTarget { RevisionName = "hello-00002", Percent = 100 }],
        };
        var revision = new FunctionKey("default", "hello-00002");
        var starts = 0;
        await using var gate = await GateHarness.StartAsync(
            (_, _) =>
            {
                Interlocked.Increment(ref starts);
                return Task.FromResult<ColdStartFailure?>(null);
            },
            function,
            revisionWorkloads: true);

        var request = gate.Client.GetAsync("/default/hello/");
        for (var i = 0; i < 3000 && gate.Scaler.Requests.IsEmpty; i++)
        {
            await Task.Delay(10);
        }

        gate.Endpoints.Set(revision, new InstanceEndpoint("rev-pod", "127.0.0.1", LoopbackApp.AddressOf(instance).Port, 0));
        using var response = await request.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("revision two", await response.Content.ReadAsStringAsync());
        Assert.True(starts == 0, label);
        Assert.Equal([revision], gate.Scaler.Requests.Distinct());
    }

    [Fact]
    public async Task WarmRequest_NoStart()
    {
        await using var instance = await LoopbackApp.StartAsync(app => app.Run(c => c.Response.WriteAsync("warm")));
        var starts = 0;
        await using var gate = await GateHarness.StartAsync((_, _) =>
        {
            Interlocked.Increment(ref starts);
            return Task.FromResult<ColdStartFailure?>(null);
        });
        gate.Endpoints.Set(Hello, new InstanceEndpoint("own-pod", "127.0.0.1", LoopbackApp.AddressOf(instance).Port, 0));

        Assert.Equal("warm", await gate.Client.GetStringAsync("/default/hello/"));
        Assert.Equal(404, (int)(await gate.Client.GetAsync("/default/nobody/")).StatusCode);
        Assert.Equal(0, starts);
        Assert.Empty(gate.Scaler.Requests);
    }

    private sealed class GateHarness : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly CancellationTokenSource _stop;
        private readonly Task _informer;
        private readonly FunctionRegistry _registry;
        private readonly FunctionProxy _proxy;

        private GateHarness(WebApplication app, CancellationTokenSource stop, Task informer, FunctionRegistry registry, FunctionProxy proxy, FakeEndpointSource endpoints, RecordingScaleRequester scaler)
        {
            _app = app;
            _stop = stop;
            _informer = informer;
            _registry = registry;
            _proxy = proxy;
            Endpoints = endpoints;
            Scaler = scaler;
            Client = new HttpClient { BaseAddress = LoopbackApp.AddressOf(app), Timeout = TimeSpan.FromSeconds(30) };
        }

        public FakeEndpointSource Endpoints { get; }

        public RecordingScaleRequester Scaler { get; }

        public HttpClient Client { get; }

        /// <param name="revisionWorkloads">The registry's layout: true as on Kubernetes now (every revision its own workload).</param>
        public static async Task<GateHarness> StartAsync(Func<FunctionKey, FunctionKey, Task<ColdStartFailure?>> start, Function? function = null, bool revisionWorkloads = false)
        {
            var options = new ActivatorOptions();
            var informer = new ResourceInformer<Function>(new InMemoryFunctionStore([function ?? ProxyHarness.TestFunction("hello")]), null, TimeProvider.System, NullLogger.Instance);
            var stop = new CancellationTokenSource();
            var run = informer.RunAsync(stop.Token);
            await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            var endpoints = new FakeEndpointSource();
            var scaler = new RecordingScaleRequester();
            var metrics = new ActivatorMetrics(Prometheus.Metrics.NewCustomRegistry());
            var registry = new FunctionRegistry(informer, endpoints, options, metrics, TimeProvider.System) { RevisionWorkloads = revisionWorkloads };
            FunctionProxy? proxy = null;
            var app = await LoopbackApp.StartAsync(
                app =>
                {
                    proxy = new FunctionProxy(registry, scaler, app.Services.GetRequiredService<IHttpForwarder>(), options, metrics, NullLogger<FunctionProxy>.Instance);
                    var gate = new ColdStartGate(registry, scaler, start, options, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ColdStartGate>.Instance);
                    app.Run(context => gate.InvokeAsync(context, proxy.InvokeAsync));
                },
                services => services.AddHttpForwarder());
            return new GateHarness(app, stop, run, registry, proxy!, endpoints, scaler);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _stop.CancelAsync();
            await _app.StopAsync();
            _proxy.Dispose();
            _registry.Dispose();
            await _app.DisposeAsync();
            await _informer;
            _stop.Dispose();
        }
    }
}
