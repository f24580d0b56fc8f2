using Serverless.Autoscaler.Scaling.Hpa;

namespace Serverless.Autoscaler.Tests.Scaling.Hpa;

/// <summary>Issue #18 item 1: Kubernetes' HPA algorithm for the HPA class in local mode, on virtual time.</summary>
public sealed class HpaScalerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // CPU: each instance requests 1000 m; the usage is given in percent of that; target 80%.
    [Theory]
    [InlineData("at target: no change", new double[] { 80, 80, 80, 80 }, 4)]
    [InlineData("within the 10% tolerance above: no change (85 ÷ 80 = 1.06)", new double[] { 85, 85, 85, 85 }, 4)]
    [InlineData("within the tolerance below: no change (75 ÷ 80 = 0.94)", new double[] { 75, 75, 75, 75 }, 4)]
    [InlineData("past the tolerance: ceil(1.125 × 4) = 5", new double[] { 90, 90, 90, 90 }, 5)]
    [InlineData("uneven load counts in total: (160 + 0) ÷ 2 = 80%: no change", new double[] { 160, 0 }, 2)]
    [InlineData("twice the target: double", new double[] { 160, 160, 160 }, 6)]
    public void Decide_Utilization_FollowsTheRatioOutsideTheTolerance(string label, double[] percents, int expected)
    {
        var decision = HpaScaler.Decide(Inputs(percents.Length, [.. percents.Select(p => Measured(p))]));

        Assert.True(expected == decision.DesiredReplicas, $"{label}: desired {decision.DesiredReplicas}");
    }

    [Theory]
    [InlineData("an unmeasured instance counts at the target going down: (3 × 40 + 100) ÷ 4 = 55% → ceil(0.6875 × 4) = 3", false, 3)]
    [InlineData("going up, an unmeasured one counts as idle: (2 × 200 + 0) ÷ 3 = 133% → ceil(1.67 × 3) = 5", true, 5)]
    public void Decide_MissingMeasurement_PullsTowardsNoChange(string label, bool up, int expected)
    {
        HpaInstanceUsage[] instances = up
            ? [Measured(200), Measured(200), new(true, null, 1000)]
            : [Measured(40), Measured(40), Measured(40), new(true, null, 1000)];

        var decision = HpaScaler.Decide(Inputs(instances.Length, instances));

        Assert.True(expected == decision.DesiredReplicas, $"{label}: desired {decision.DesiredReplicas}");
    }

    [Fact]
    public void Decide_StartingInstancesWhenGoingUp_CountAsIdle()
    {
        // 2 measured at 160% (ratio 2), 2 still starting: (320 + 0 + 0) ÷ 4 = 80%, the target: no change.
        HpaInstanceUsage[] instances = [Measured(160), Measured(160), new(false, null, 1000), new(false, null, 1000)];

        Assert.Equal(4, HpaScaler.Decide(Inputs(4, instances)).DesiredReplicas);
    }

    [Fact]
    public void Decide_NothingMeasured_KeepsTheCount()
    {
        Assert.Equal(3, HpaScaler.Decide(Inputs(3, [new(true, null, 1000), new(false, null, 1000)])).DesiredReplicas);
    }

    [Fact]
    public void Decide_MemoryAverageValue_ComparesMiBPerInstance()
    {
        // 300 and 340 MiB against 256: 320 ÷ 256 = 1.25 → ceil(2.5) = 3.
        var inputs = Inputs(2, [new(true, 300, 0), new(true, 340, 0)]) with { Target = 256, Utilization = false };

        Assert.Equal(3, HpaScaler.Decide(inputs).DesiredReplicas);
    }

    [Theory]
    [InlineData("1 at 10× the target: 4 pods or 100% per 15 s, the larger: 5", 1, 0, 5)]
    [InlineData("5 s later the period still counts from 1: 5", 1, 5, 5)]
    [InlineData("15 s later a new period from 5: up to 10 (100%)", 1, 15, 10)]
    public void Decide_ScaleUpPolicies_LimitEachPeriod(string label, int start, int atSecond, int expected)
    {
        var state = HpaState.Initial;
        var current = start;
        HpaDecision decision = default;
        foreach (var second in new[] { 0, 5, 15 }.Where(s => s <= atSecond))
        {
            decision = HpaScaler.Decide(Inputs(current, [.. Enumerable.Repeat(Measured(800), current)], second, state));
            state = decision.State;
            current = decision.DesiredReplicas;
        }

        Assert.True(expected == decision.DesiredReplicas, $"{label}: desired {decision.DesiredReplicas}");
    }

    // 4 busy instances (80%) until t = 10, then idle (5%): the 300 s scale-down stabilization holds 4 until the busy
    // recommendations have left the window.
    [Theory]
    [InlineData("busy", 0, 4)]
    [InlineData("idle, within the stabilization window", 10, 4)]
    [InlineData("the last busy recommendation (t = 0) is 299 s old", 299, 4)]
    [InlineData("the window has passed it: down to what idle needs, 1", 300, 1)]
    public void Decide_ScaleDown_WaitsOutTheStabilizationWindow(string label, int atSecond, int expected)
    {
        var state = HpaState.Initial;
        var current = 4;
        HpaDecision decision = default;
        foreach (var second in new[] { 0, 10, 100, 299, 300 }.Where(s => s <= atSecond))
        {
            var percent = second == 0 ? 80 : 5;
            decision = HpaScaler.Decide(Inputs(current, [.. Enumerable.Repeat(Measured(percent), current)], second, state));
            state = decision.State;
            current = decision.DesiredReplicas;
        }

        Assert.True(expected == decision.DesiredReplicas, $"{label}: desired {decision.DesiredReplicas}");
    }

    [Fact]
    public void Decide_ShorterStabilization_ScalesDownSooner()
    {
        var behavior = HpaBehavior.WithScaleDownStabilization(TimeSpan.FromSeconds(30));
        var busy = HpaScaler.Decide(Inputs(4, [.. Enumerable.Repeat(Measured(80), 4)]) with { Behavior = behavior });
        var idle = HpaScaler.Decide(Inputs(4, [.. Enumerable.Repeat(Measured(5), 4)], 30, busy.State) with { Behavior = behavior });

        Assert.Equal(1, idle.DesiredReplicas);
    }

    [Theory]
    [InlineData("minReplicas 2 holds an idle function", 2, 0, 5, 2)]
    [InlineData("maxReplicas 3 caps a busy one", 1, 3, 800, 3)]
    public void Decide_Bounds_Clamp(string label, int min, int max, double percent, int expected)
    {
        var inputs = Inputs(2, [Measured(percent), Measured(percent)]) with { MinReplicas = min, MaxReplicas = max, Behavior = HpaBehavior.WithScaleDownStabilization(TimeSpan.Zero) };

        Assert.True(expected == HpaScaler.Decide(inputs).DesiredReplicas, label);
    }

    [Fact]
    public void Decide_CpuBurningLoad_ScalesOutAndBackOnVirtualTime()
    {
        // One core of work per 100% of one instance: 3.2 cores of demand for 2 minutes, then 0.1; evaluated every 15 s.
        var state = HpaState.Initial;
        var current = 1;
        var counts = new List<int>();
        for (var second = 0; second <= 900; second += 15)
        {
            var demandMillicores = second < 120 ? 3200 : 100;
            var perInstance = demandMillicores / (double)current;
            var decision = HpaScaler.Decide(Inputs(current, [.. Enumerable.Repeat(new HpaInstanceUsage(true, perInstance, 1000), current)], second, state));
            state = decision.State;
            current = decision.DesiredReplicas;
            counts.Add(current);
        }

        Assert.Equal(4, counts.Max()); // 3.2 cores at 80% of 1 core each
        Assert.Equal(1, counts[^1]);
        var firstAtMax = counts.IndexOf(4) * 15;
        var backAtOne = (counts.FindLastIndex(c => c > 1) + 1) * 15;
        Assert.InRange(firstAtMax, 0, 30);
        Assert.InRange(backAtOne, 120 + 300 - 15, 120 + 300 + 15); // the 300 s stabilization after the load ended
    }

    private static HpaInstanceUsage Measured(double percentOfRequest) => new(true, percentOfRequest * 10, 1000);

    private static HpaInputs Inputs(int current, HpaInstanceUsage[] instances, int seconds = 0, HpaState? state = null) => new()
    {
        Now = T0.AddSeconds(seconds),
        CurrentReplicas = current,
        Instances = instances,
        Target = 80,
        Utilization = true,
        MinReplicas = 1,
        MaxReplicas = 0,
        Behavior = HpaBehavior.Default,
        State = state ?? HpaState.Initial,
    };
}
