using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Activator.Configuration;
using Serverless.Activator.Forwarding;
using Serverless.Activator.Functions;
using Serverless.Activator.Metrics;
using Serverless.Autoscaler.Metrics;
using Serverless.Autoscaler.Scaling;
using Serverless.Autoscaler.Tests.Fakes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using Serverless.TestSupport;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.Autoscaler.Tests.Scaling;

/// <summary>
/// Issue #5: a request that arrives while a function descends to zero is served: the activator buffers it and asks
/// for a scale from zero, which waits for the descent to finish and then starts a new instance (never lost between
/// the two, never reverted by a stale decision). On virtual time; the backend's drain is held open by the test.
/// </summary>
public sealed class ScaleToZeroDescentTests
{
    private static readonly FunctionKey Key = new("default", "slow");

    [Fact]
    public async Task RequestScaleFromZero_DuringDescentToZero_StartsANewInstanceAfterTheDrain()
    {
        var time = new ManualTimeProvider();
        var activity = new FakeActivity();
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), activity, time, ScalerHarness.TestFunction("slow"));
        harness.Backend.Set(Key, 1);
        var drain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Backend.BeforeScale = replicas => replicas == 0 ? drain.Task : Task.CompletedTask;

        // Some load, then silence: the stable average falls to zero and the grace period (6 s) runs out.
        harness.Scaler.Report(new ConcurrencySample(Key, time.GetUtcNow(), 3, 3, 3, 0));
        Task? descent = null;
        for (var i = 0; i < 30 && descent is null; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            var tick = harness.Scaler.TickOnceAsync(CancellationToken.None);
            if (harness.Backend.ScaleCalls.Count > 0)
            {
                descent = tick; // held in the backend's drain
            }
            else
            {
                await tick;
            }
        }

        Assert.NotNull(descent);
        Assert.Equal([(Key, 0)], harness.Backend.ScaleCalls);
        Assert.False(descent.IsCompleted);

        // The request arrives mid-descent: the activator has no ready instance, queues it and pokes.
        activity.Active = 1;
        harness.Scaler.RequestScaleFromZero(Key);
        await Task.Delay(50); // give a wrongly ungated activation the chance to run (it must not)
        Assert.Single(harness.Backend.ScaleCalls);

        drain.SetResult();
        await descent.WaitAsync(TimeSpan.FromSeconds(10));
        await harness.WaitForScaleCallsAsync(2);

        Assert.Equal([(Key, 0), (Key, 1)], harness.Backend.ScaleCalls);
        Assert.Equal(1, harness.Backend.GetStatus(Key)!.DesiredReplicas);

        // The next tick sees the queued request and must not take the new instance away again.
        time.Advance(TimeSpan.FromSeconds(2));
        await harness.Scaler.TickOnceAsync(CancellationToken.None);
        Assert.Equal(1, harness.Backend.GetStatus(Key)!.DesiredReplicas);
    }

    /// <summary>
    /// The same race end to end, in process: the real activator (FunctionProxy on Kestrel) and autoscaler
    /// (FunctionScaler, ticked on virtual time) over instances that are real Kestrel servers. The request arrives
    /// after the last instance left the ready set but before its drain ended; it waits in the activator's queue
    /// and is answered by the instance the wake-up starts.
    /// </summary>
    [Fact]
    public async Task Request_DuringDescentToZero_IsBufferedAndServedByANewInstance()
    {
        var time = new ManualTimeProvider();
        var function = ScalerHarness.TestFunction("slow");
        var informer = new ResourceInformer<Function>(new InMemoryFunctionStore(function), null, TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var informerRun = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await using var backend = new LoopbackBackend(Key);
        var activity = new FakeActivity();
        var scaler = new FunctionScaler(
            informer, backend, activity, ScalerHarness.ShortWindows(), new AutoscalerMetrics(Prometheus.Metrics.NewCustomRegistry()), time, NullLogger<FunctionScaler>.Instance);

        var activatorOptions = new ActivatorOptions();
        var activatorMetrics = new ActivatorMetrics(Prometheus.Metrics.NewCustomRegistry());
        using var functions = new FunctionRegistry(informer, backend, activatorOptions, activatorMetrics, TimeProvider.System);
        FunctionProxy? created = null;
        await using var ingress = await LoopbackApp.StartAsync(
            app =>
            {
                var proxy = new FunctionProxy(
                    functions, scaler, app.Services.GetRequiredService<IHttpForwarder>(), activatorOptions, activatorMetrics, NullLogger<FunctionProxy>.Instance);
                app.Run(proxy.InvokeAsync);
                created = proxy;
            },
            services => services.AddHttpForwarder());
        using var proxy = created!;
        activity.Target = functions;
        using var client = new HttpClient { BaseAddress = LoopbackApp.AddressOf(ingress), Timeout = TimeSpan.FromSeconds(30) };

        await backend.ScaleAsync(Key, 1);
        using (var warm = await client.GetAsync("/default/slow/"))
        {
            Assert.Equal("instance-1", await warm.Content.ReadAsStringAsync());
        }

        var drain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Drain = () => drain.Task;
        scaler.Report(new ConcurrencySample(Key, time.GetUtcNow(), 1, 1, 1, 0));
        Task? descent = null;
        for (var i = 0; i < 30 && descent is null; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            var tick = scaler.TickOnceAsync(CancellationToken.None);
            if (backend.GetStatus(Key)!.DesiredReplicas == 0)
            {
                descent = tick;
            }
            else
            {
                await tick;
            }
        }

        Assert.NotNull(descent);
        Assert.Empty(backend.GetReadyEndpoints(Key)); // out of the ready set, still draining
        Assert.False(descent.IsCompleted);

        var request = client.GetAsync("/default/slow/");
        for (var i = 0; i < 500 && functions.ActiveRequests(Key) == 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, functions.ActiveRequests(Key)); // buffered in the activator
        Assert.False(request.IsCompleted);

        drain.SetResult();
        await descent.WaitAsync(TimeSpan.FromSeconds(10));
        using var response = await request.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("instance-2", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, backend.GetStatus(Key)!.DesiredReplicas);
        await ingress.StopAsync();
        await stop.CancelAsync();
        await informerRun;
    }

    [Fact]
    public async Task Tick_RequestActiveWhenGraceEnds_KeepsTheLastInstance()
    {
        var time = new ManualTimeProvider();
        var activity = new FakeActivity { Active = 1 };
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), activity, time, ScalerHarness.TestFunction("slow"));
        harness.Backend.Set(Key, 1);

        harness.Scaler.Report(new ConcurrencySample(Key, time.GetUtcNow(), 3, 3, 3, 0));
        for (var i = 0; i < 15; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await harness.Scaler.TickOnceAsync(CancellationToken.None);
        }

        Assert.Empty(harness.Backend.ScaleCalls);
        Assert.Equal(1, harness.Backend.GetStatus(Key)!.DesiredReplicas);
    }
}
