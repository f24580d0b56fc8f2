using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Tests.Fakes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Defaulting;
using Serverless.TestSupport;

namespace Serverless.Autoscaler.Tests.Scaling.Hpa;

/// <summary>Issue #18 item 1 through <c>FunctionScaler</c> on virtual time: the HPA class leaves the KPA alone.</summary>
public sealed class HpaClassScalingTests
{
    private static readonly FunctionKey Key = new("default", "burner");

    private static Function HpaFunction(int min = 1, int max = 10) => new()
    {
        Metadata = new() { NamespaceProperty = "default", Name = "burner", ResourceVersion = "1" },
        Spec = new FunctionSpec
        {
            Scale = new ScaleSpec { Class = ScaleClassNames.Hpa, Metric = ScaleMetricNames.Cpu, Target = 80, MinScale = min, MaxScale = max },
        },
    };

    [Fact]
    public async Task Tick_CpuBurningFunction_ScalesOutAndBackWithTheHpaAlgorithm()
    {
        var time = new ManualTimeProvider();
        var options = ScalerHarness.ShortWindows();
        options.HpaDownscaleStabilization = TimeSpan.FromSeconds(60);
        var backend = new MeteredWorkloadScaler();
        await using var harness = await ScalerHarness.StartAsync(options, new FakeActivity(), time, backend, HpaFunction());
        backend.Set(Key, 1);

        // 3.2 cores of demand for 2 minutes (ticks every 2 s, decisions every 15 s), then 0.1 core.
        var counts = new List<(int Second, int Count)>();
        for (var second = 0; second <= 420; second += 2)
        {
            await harness.Scaler.TickOnceAsync(CancellationToken.None);
            counts.Add((second, backend.GetStatus(Key)!.DesiredReplicas));
            backend.Burn(Key, second < 120 ? 3.2 : 0.1, 2);
            time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(4, counts.Max(c => c.Count)); // 3.2 cores ÷ 80% of one core each
        var out4 = counts.First(c => c.Count == 4).Second;
        var backTo1 = counts.Last(c => c.Count > 1).Second + 2;
        Assert.InRange(out4, 14, 60); // the first decision only records CPU; the next ones follow the ratio under the 4-pods/100% policy
        Assert.InRange(backTo1, 120 + 60, 120 + 60 + 45); // the 60 s stabilization after the load ended, within sync periods
        Assert.Equal(1, counts[^1].Count);
        Assert.All(backend.ScaleCalls, c => Assert.InRange(c.Replicas, 1, 10));
    }

    [Fact]
    public async Task Tick_HpaFunctionWithoutUsageSource_IsLeftToTheClusterHpa()
    {
        // Kubernetes mode: no usage source; idle and unreported for long, a KPA function would be scaled to zero.
        var time = new ManualTimeProvider();
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), new FakeActivity(), time, HpaFunction(min: 3));
        harness.Backend.Set(Key, 5);

        for (var i = 0; i < 60; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await harness.Scaler.TickOnceAsync(CancellationToken.None);
        }

        Assert.Empty(harness.Backend.ScaleCalls);
        Assert.Equal(5, harness.Backend.GetStatus(Key)!.DesiredReplicas);
    }
}
