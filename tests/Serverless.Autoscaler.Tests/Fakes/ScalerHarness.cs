using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Metrics;
using Serverless.Autoscaler.Scaling;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using Serverless.TestSupport;

namespace Serverless.Autoscaler.Tests.Fakes;

/// <summary>A <see cref="FunctionScaler"/> over a fixed function list, a <see cref="FakeWorkloadScaler"/> and a given clock.</summary>
internal sealed class ScalerHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _informerRun;

    private ScalerHarness(FunctionScaler scaler, FakeWorkloadScaler backend, AutoscalerMetrics metrics, CancellationTokenSource stop, Task informerRun)
    {
        Scaler = scaler;
        Metrics = metrics;
        Backend = backend;
        _stop = stop;
        _informerRun = informerRun;
    }

    public FunctionScaler Scaler { get; }

    public FakeWorkloadScaler Backend { get; }

    public AutoscalerMetrics Metrics { get; }

    /// <summary>Short windows, as the platform tests configure them: tick 2 s, stable 10 s, grace 6 s.</summary>
    public static AutoscalerOptions ShortWindows() => new()
    {
        TickInterval = TimeSpan.FromSeconds(2),
        StableWindow = TimeSpan.FromSeconds(10),
        ScaleToZeroGracePeriod = TimeSpan.FromSeconds(6),
    };

    public static Function TestFunction(string name, int target = 10) => new()
    {
        Metadata = new() { NamespaceProperty = "default", Name = name, ResourceVersion = "1" },
        Spec = new FunctionSpec { Scale = new ScaleSpec { Target = target, InitialScale = 1, MinScale = 0 } },
    };

    public static Task<ScalerHarness> StartAsync(AutoscalerOptions options, IFunctionActivity activity, TimeProvider time, params Function[] functions) =>
        StartAsync(options, activity, time, new FakeWorkloadScaler(), functions);

    public static Task<ScalerHarness> StartAsync(
        AutoscalerOptions options, IFunctionActivity activity, TimeProvider time, FakeWorkloadScaler backend, params Function[] functions) =>
        StartAsync(options, activity, time, backend, revisionWorkloads: false, functions);

    /// <param name="revisionWorkloads">The scaler's <c>RevisionWorkloads</c>, as the local platform sets it.</param>
    public static async Task<ScalerHarness> StartAsync(
        AutoscalerOptions options, IFunctionActivity activity, TimeProvider time, FakeWorkloadScaler backend, bool revisionWorkloads, params Function[] functions)
    {
        var informer = new ResourceInformer<Function>(new InMemoryFunctionStore(functions), null, TimeProvider.System, NullLogger.Instance);
        var stop = new CancellationTokenSource();
        var informerRun = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var metrics = new AutoscalerMetrics(Prometheus.Metrics.NewCustomRegistry());
        var scaler = new FunctionScaler(informer, backend, activity, options, metrics, time, NullLogger<FunctionScaler>.Instance)
        {
            RevisionWorkloads = revisionWorkloads,
        };
        return new ScalerHarness(scaler, backend, metrics, stop, informerRun);
    }

    /// <summary>Waits (polling, bounded to 10 s) until the backend has seen <paramref name="count"/> scale calls.</summary>
    public async Task WaitForScaleCallsAsync(int count)
    {
        for (var i = 0; i < 1000 && Backend.ScaleCalls.Count < count; i++)
        {
            await Task.Delay(10);
        }

        Assert.True(Backend.ScaleCalls.Count >= count, $"expected {count} scale calls, saw [{string.Join(", ", Backend.ScaleCalls.Select(c => c.Replicas))}]");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _informerRun;
        _stop.Dispose();
    }
}
