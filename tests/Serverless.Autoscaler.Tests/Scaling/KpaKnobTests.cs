using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Scaling;
using Serverless.Autoscaler.Tests.Fakes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Defaulting;
using Serverless.TestSupport;
using static Serverless.Autoscaler.Tests.Scaling.KpaTestInputs;

namespace Serverless.Autoscaler.Tests.Scaling;

/// <summary>
/// Issue #18 item 2 and 3: scale-down-delay, activation-scale, target-burst-capacity, Reachable and the activator's live
/// count, each on virtual time. Defaults elsewhere: 100 × 70% = 70 per instance.
/// </summary>
public sealed class KpaKnobTests
{
    private static EffectiveScale With(ScaleSpec spec, AutoscalerOptions? options = null) =>
        EffectiveScale.Resolve(spec, (options ?? new AutoscalerOptions()).ToScaleDefaults(ScaleMetricNames.Concurrency));

    // 280 in flight (4 instances) for the first 60 s, then nothing; decisions every 2 s on a 60 s stable window.
    [Theory]
    [InlineData("no delay: the stable window drains, halving at most, from t = 60", 0, 64, 4)]
    [InlineData("no delay: gone after the window and the 30 s grace", 0, 152, 0)]
    [InlineData("delay 120 s: 4 was last needed at t = 78, so 4 to t = 196", 120, 196, 4)]
    [InlineData("delay 120 s: that 4 scrolled out at t = 198; the 3 needed at t = 80..90 holds", 120, 198, 3)]
    [InlineData("delay 120 s: zero once no count of the last 120 s is above it (the grace ran meanwhile)", 120, 240, 0)]
    public void ScaleDownDelay_HoldsTheHighestCountOfTheDelay(string label, int delaySeconds, int atSecond, int expected)
    {
        var sim = new KpaSimulation(scale: With(new ScaleSpec { ScaleDownDelaySeconds = delaySeconds }));

        var trace = KpaSimulation.Run(sim, seconds: 300, load: t => t < 60 ? 280 : 0);

        Assert.True(expected == trace[atSecond].DesiredScale, $"{label}: desired {trace[atSecond].DesiredScale} at {atSecond} s");
    }

    [Fact]
    public void ScaleDownDelay_NeverLowersWithinTheDelay()
    {
        var sim = new KpaSimulation(scale: With(new ScaleSpec { ScaleDownDelaySeconds = 120 }));

        var trace = KpaSimulation.Run(sim, seconds: 300, load: t => t < 60 ? 280 : 0);

        Assert.All(trace.Where(p => p.Key is >= 10 and < 198), p => Assert.True(p.Value.DesiredScale >= 4, $"{p.Value.DesiredScale} at {p.Key} s"));
        Assert.Equal(ScaleReason.ScaleDownDelay, trace[150].Reason);
    }

    [Fact]
    public void ScaleDownDelay_FromGlobalConfiguration_AppliesWhenTheFunctionSetsNone()
    {
        var options = new AutoscalerOptions { ScaleDownDelay = TimeSpan.FromSeconds(120) };
        var sim = new KpaSimulation(scale: With(new ScaleSpec(), options), options: options);

        var trace = KpaSimulation.Run(sim, seconds: 200, load: t => t < 60 ? 280 : 0);

        Assert.Equal(4, trace[170].DesiredScale);
    }

    [Theory]
    [InlineData("activation-scale 3: a trickle gets 3", 3, 1, 3)]
    [InlineData("activation-scale 3: load needing 5 gets 5", 3, 350, 5)]
    [InlineData("activation-scale 1 (default): a trickle gets 1", 1, 1, 1)]
    [InlineData("activation-scale 3: idle still goes to zero", 3, 0, 0)]
    public void ActivationScale_AnyLoadGetsAtLeastN(string label, int activation, double load, int expected)
    {
        var scale = With(new ScaleSpec { ActivationScale = activation, ScaleToZeroGracePeriodSeconds = 0 });

        var decision = KpaScaler.Decide(Inputs(load, load, ready: 1, current: 1, scale: scale));

        Assert.True(expected == decision.DesiredScale, $"{label}: desired {decision.DesiredScale}");
    }

    [Theory]
    [InlineData("activation-scale 4 over initialScale 1", 4, 1, 0, 4)]
    [InlineData("initialScale 5 over activation-scale 2", 2, 5, 0, 5)]
    [InlineData("maxScale 3 caps activation-scale 4", 4, 1, 3, 3)]
    public void ActivationScale_FirstScaleFromZero_GoesToN(string label, int activation, int initial, int max, int expected)
    {
        var scale = With(new ScaleSpec { ActivationScale = activation, InitialScale = initial, MaxScale = max });

        Assert.True(expected == ScaleBounds.ForActivation(scale), label);
    }

    // Target 100: 2 ready take 180 at 90% of target (over capacity past it) and 200 at full target, and the
    // default burst capacity tolerates 200 requests beyond that before panic.
    [Theory]
    [InlineData("within capacity", 180, 2, 200, false, false)]
    [InlineData("past 90% of target: needs a third, within the burst capacity", 181, 2, 200, true, false)]
    [InlineData("burst capacity used up: 400 active, 200 beyond full target", 400, 2, 200, true, false)]
    [InlineData("past the burst capacity", 401, 2, 200, true, true)]
    [InlineData("burst capacity 0: any excess over full target panics", 201, 2, 0, true, true)]
    [InlineData("burst capacity 0: over 90% but not over full target does not", 200, 2, 0, true, false)]
    [InlineData("burst capacity -1: never", 100_000, 2, -1, true, false)]
    [InlineData("nothing ready: all of it is excess", 201, 0, 200, true, true)]
    [InlineData("nothing active", 0, 0, 0, false, false)]
    public void OverCapacityAndBurstExceeded_Table(string label, double active, int ready, double burstCapacity, bool over, bool burst)
    {
        var scale = With(new ScaleSpec { TargetBurstCapacity = burstCapacity });

        Assert.True(over == KpaScaler.OverCapacity(active, ready, scale), $"{label}: over capacity");
        Assert.True(burst == KpaScaler.BurstExceeded(active, ready, scale), $"{label}: burst exceeded");
    }

    [Fact]
    public void BurstExceeded_RpsMetric_NeverFromTheLiveCount()
    {
        var scale = EffectiveScale.Resolve(new ScaleSpec { Metric = ScaleMetricNames.Rps, TargetBurstCapacity = 0 }, new AutoscalerOptions().ToScaleDefaults(ScaleMetricNames.Rps));

        Assert.False(KpaScaler.BurstExceeded(10_000, 1, scale));
    }

    // The spike the window averages have not seen yet: 2 ready at a steady 100, then 2000 active at once.
    [Theory]
    [InlineData("default burst capacity: panic now, sized to the live count", 200, true, 29)]
    [InlineData("burst capacity -1: no panic, but never fewer than the live count fills (2000 ÷ 90)", -1, false, 23)]
    [InlineData("burst capacity 2000 tolerates this queue: no panic, live count fitted", 2000, false, 23)]
    public void LiveLoad_SpikeBeforeTheWindowsMove_ScalesAtOnce(string label, double burstCapacity, bool expectedPanic, int expected)
    {
        var scale = With(new ScaleSpec { TargetBurstCapacity = burstCapacity });
        var inputs = Inputs(stable: 100, panic: 100, ready: 2, current: 2, scale: scale) with { InstantLoad = 2000 };

        var decision = KpaScaler.Decide(inputs);

        Assert.True(expected == decision.DesiredScale, $"{label}: desired {decision.DesiredScale}");
        Assert.True(expectedPanic == decision.InPanic, $"{label}: panic {decision.InPanic}");
    }

    [Fact]
    public void LiveLoad_Lasting_IsNotTakenBackByTheNextTick()
    {
        // Raised to 3 for 250 active while the averages still say 2 (stable 120 → 2): 250 fills 3 at 90 per instance.
        var scale = With(new ScaleSpec { TargetBurstCapacity = -1 });
        var first = KpaScaler.Decide(Inputs(120, 120, ready: 2, current: 2, scale: scale) with { InstantLoad = 250 });
        var next = KpaScaler.Decide(Inputs(125, 125, ready: 3, current: 3, seconds: 2, scale: scale, state: first.State) with { InstantLoad = 250 });

        Assert.Equal(3, first.DesiredScale);
        Assert.Equal(ScaleReason.LiveLoad, first.Reason);
        Assert.Equal(3, next.DesiredScale);
    }

    [Theory]
    [InlineData("reachable: halves at most and holds the last for the grace period", true, 10, 0, 5)]
    [InlineData("unreachable: straight to zero", false, 10, 0, 0)]
    [InlineData("unreachable with load: what the load needs, no rate limit", false, 10, 70, 1)]
    [InlineData("unreachable but a request still active: one stays", false, 10, 0, 1)]
    public void Reachable_False_DropsToTheNeedAtOnce(string label, bool reachable, int ready, double load, int expected)
    {
        var active = label.Contains("still active", StringComparison.Ordinal);
        var inputs = Inputs(load, load, ready, ready, canScaleToZero: !active) with { Reachable = reachable };

        var decision = KpaScaler.Decide(inputs);

        Assert.True(expected == decision.DesiredScale, $"{label}: desired {decision.DesiredScale}");
    }

    [Fact]
    public void Reachable_False_EndsPanicAtOnce()
    {
        // 280 in flight on 1 instance panics to 4; once unreachable with nothing left, no panic holds the 4.
        var busy = KpaScaler.Decide(Inputs(280, 280, ready: 1, current: 1));
        var gone = KpaScaler.Decide(Inputs(0, 0, ready: 4, current: 4, seconds: 2, state: busy.State) with { Reachable = false });
        var reachable = KpaScaler.Decide(Inputs(0, 0, ready: 4, current: 4, seconds: 2, state: busy.State));

        Assert.True(busy.InPanic);
        Assert.Equal((0, false), (gone.DesiredScale, gone.InPanic));
        Assert.Equal((4, true), (reachable.DesiredScale, reachable.InPanic));
    }

    [Fact]
    public void Reachable_False_IgnoresTheScaleDownDelayAndTheGracePeriod()
    {
        var scale = With(new ScaleSpec { ScaleDownDelaySeconds = 600 });
        var busy = KpaScaler.Decide(Inputs(280, 280, ready: 4, current: 4, scale: scale));
        var gone = KpaScaler.Decide(Inputs(0, 0, ready: 4, current: 4, seconds: 2, scale: scale, state: busy.State) with { Reachable = false });

        Assert.Equal(4, busy.DesiredScale);
        Assert.Equal(0, gone.DesiredScale);
    }

    [Fact]
    public async Task Report_LiveLoadOverCapacity_PokesADecisionBeforeTheNextTick()
    {
        var time = new ManualTimeProvider();
        var activity = new FakeActivity();
        var key = new FunctionKey("default", "spiky");
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), activity, time, ScalerHarness.TestFunction("spiky", target: 10));
        harness.Backend.Set(key, 1);

        // Within capacity (9 at 90% of the target of 10): no decision until a tick.
        activity.Active = 9;
        harness.Scaler.Report(new ConcurrencySample(key, time.GetUtcNow(), 9, 9, 9, 0, InFlight: 9));
        await Task.Delay(100);
        Assert.Empty(harness.Backend.ScaleCalls);

        // 45 active on one instance of 10: decided at once, no tick, no time passing.
        activity.Active = 45;
        harness.Scaler.Report(new ConcurrencySample(key, time.GetUtcNow(), 12, 45, 10, 35, InFlight: 10));
        await harness.WaitForScaleCallsAsync(1);

        // The windows say 11 (2 instances of 7); 45 active fill 5 at 90% of the target of 10. Not past the burst
        // capacity (35 over, 200 tolerated), so no panic from the live count.
        Assert.Equal([(key, 5)], harness.Backend.ScaleCalls);
    }

    // bench/autoscaler's spike: 100 in flight, then 2000 from t = 101 (between two ticks) for 30 s. With the live count
    // the spike is decided in its own second (poked) and fitted at once; through the window averages alone the count
    // creeps up over the panic window.
    [Theory]
    [InlineData("live count: poked at t = 101, 2000 ÷ 70 → 29 at once", true, 101, 29)]
    [InlineData("windows only: nothing decided at t = 101; at t = 102 the 6 s average (733) asks 11", false, 102, 11)]
    public void Spike_LiveCount_MetWithinOneReportInterval(string label, bool liveLoad, int atSecond, int expected)
    {
        var sim = new KpaSimulation(initialDesired: 2, liveLoad: liveLoad);

        var trace = KpaSimulation.Run(sim, seconds: 140, load: t => t is >= 101 and < 131 ? 2000 : 100);

        Assert.Equal(liveLoad, trace.ContainsKey(101));
        Assert.True(expected == trace[atSecond].DesiredScale, $"{label}: desired {trace[atSecond].DesiredScale} at {atSecond} s");
        var overCapacitySeconds = Enumerable.Range(101, 30).Count(t => trace.Where(p => p.Key <= t).MaxBy(p => p.Key).Value.DesiredScale * 100 < 2000);
        Assert.True(liveLoad ? overCapacitySeconds == 0 : overCapacitySeconds >= 3, $"{label}: {overCapacitySeconds} s short of capacity after the spike's decision");
    }
}
