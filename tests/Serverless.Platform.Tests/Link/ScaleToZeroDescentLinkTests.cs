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

namespace Serverless.Platform.Tests.Link;

/// <summary>
/// Issue #5 across the link: a request that arrives while a function descends to zero is buffered by the activator and
/// served by the instance the autoscaler starts once the descent ends. The autoscaler's side alone:
/// Serverless.Autoscaler.Tests/Scaling/ScaleToZeroDescentTests.
/// </summary>
public sealed class ScaleToZeroDescentLinkTests
{
    private static readonly FunctionKey Key = new("default", "slow");

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
}
