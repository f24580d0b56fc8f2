using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Scaling;
using Serverless.Core.Contracts;
using Serverless.Core.Defaulting;
using static Serverless.Autoscaler.Tests.Scaling.KpaTestInputs;

namespace Serverless.Autoscaler.Tests.Scaling;

public sealed class KpaScalerTests
{
    // Defaults throughout: 100 × 70% = 70 per instance, panic at 2.0 × ready, 1000× up, 2× down.
    [Theory]
    [InlineData("steady: 140 on 2 ready stays 2", 140, 140, 2, 2, 1000, 2, 2, false)]
    [InlineData("steady: 0.1 in flight keeps one", 0.1, 0.1, 1, 1, 1000, 2, 1, false)]
    [InlineData("scale-up: 350 on 3 ready needs 5", 350, 350, 3, 3, 1000, 2, 5, false)]
    [InlineData("exact multiple adds no pod: 210 → 3", 210, 210, 2, 2, 1000, 2, 3, false)]
    [InlineData("scale-down with margin: 70 on 3 ready → 2, as 70 > 63 = 90% of one", 70, 70, 3, 3, 1000, 2, 2, false)]
    [InlineData("rate limit up: rate 2, 3 ready, 1000 in flight → 6 not 15", 1000, 0, 3, 3, 2, 2, 6, false)]
    [InlineData("rate limit up still grows one pod: rate 1.1, 2 ready, need 3 → ceil(2.2) = 3", 210, 0, 2, 2, 1.1, 2, 3, false)]
    [InlineData("rate limit down: 10 ready, idle → 5", 0, 0, 10, 10, 1000, 2, 5, false)]
    [InlineData("rate limit down: rate 4, 10 ready, idle → 2", 0, 0, 10, 10, 1000, 4, 2, false)]
    [InlineData("rate limit down applies to a non-zero need: 10 ready, need 1 → 5", 70, 70, 10, 10, 1000, 2, 5, false)]
    [InlineData("panic entry at threshold: 3 ready, 6 s average 420 → 6 = 2.0 × 3", 140, 420, 3, 3, 1000, 2, 6, true)]
    [InlineData("just under threshold: 3 ready, panic needs 5 → stable rules", 140, 349, 3, 3, 1000, 2, 3, false)]
    [InlineData("panic with stable above panic provisions for stable", 700, 420, 3, 3, 1000, 2, 10, true)]
    [InlineData("from zero ready counts as one: need 2 is already panic", 100, 100, 0, 1, 1000, 2, 2, true)]
    [InlineData("panic count is rate limited too: rate 2, 1 ready", 0, 700, 1, 1, 2, 2, 2, true)]
    public void Decide_SingleTick_MatchesRow(
        string label, double stable, double panic, int ready, int current, double upRate, double downRate, int expected, bool expectedPanic)
    {
        var options = new AutoscalerOptions { MaxScaleUpRate = upRate, MaxScaleDownRate = downRate };

        var decision = KpaScaler.Decide(Inputs(stable, panic, ready, current, options: options));

        Assert.True(expected == decision.DesiredScale, $"{label}: desired {decision.DesiredScale}, expected {expected}");
        Assert.True(expectedPanic == decision.InPanic, $"{label}: panic {decision.InPanic}");
    }

    [Fact]
    public void Decide_Always_ReportsTheNumbersBehindTheDecision()
    {
        var decision = KpaScaler.Decide(Inputs(stable: 150, panic: 430, ready: 3, current: 3));

        Assert.Equal(150, decision.ObservedStable);
        Assert.Equal(430, decision.ObservedPanic);
        Assert.Equal(3, decision.DesiredStablePods);
        Assert.Equal(7, decision.DesiredPanicPods);
        Assert.Equal(ScaleReason.Panic, decision.Reason);
        Assert.Equal(T0, decision.State.PanicStartedAt);
        Assert.Equal(7, decision.State.MaxPanicPods);
    }

    [Theory]
    [InlineData("minScale 2 holds an idle function at 2", 0, 2, 0, 2, 0, 2)]
    [InlineData("minScale 2 overrides scale to zero after grace", 0, 2, 0, 1, 600, 2)]
    [InlineData("maxScale 4 caps 1000 in flight", 1000, 0, 4, 3, 0, 4)]
    [InlineData("maxScale 4 caps a panic", 2000, 0, 4, 1, 0, 4)]
    [InlineData("maxScale 0 is unbounded", 7000, 0, 0, 100, 0, 100)]
    public void Decide_ScaleBounds_ClampsDesired(string label, double load, int min, int max, int current, double seconds, int expected)
    {
        var zeroSince = T0;
        var decision = KpaScaler.Decide(Inputs(load, load, current, current, seconds, Scale(min, max),
            state: new KpaState(null, null, 0, zeroSince)));

        Assert.True(expected == decision.DesiredScale, $"{label}: desired {decision.DesiredScale}");
    }

    [Theory]
    [InlineData("no data keeps initial scale 3", 0, 0, 3, 3)]
    [InlineData("no data raises a count below minScale", 2, 0, 1, 2)]
    [InlineData("no data lowers a count above maxScale", 0, 2, 5, 2)]
    [InlineData("no data keeps zero", 0, 0, 0, 0)]
    public void Decide_NoData_HoldsCurrentWithinBounds(string label, int min, int max, int current, int expected)
    {
        var inputs = Inputs(0, 0, current, current, scale: Scale(min, max, initial: current)) with { Observed = WindowAverages.NoData };

        var decision = KpaScaler.Decide(inputs);

        Assert.True(expected == decision.DesiredScale, $"{label}: desired {decision.DesiredScale}");
    }

    // Issue #18: a function deployed and never invoked has no sample at all. Held only for one panic window (6 s by
    // default) after the scaler began watching it (T0); idle after that, so the zero countdown (30 s) starts.
    [Theory]
    [InlineData("just began watching: held", 1, 1, 0, null, 1, "NoData")]
    [InlineData("one panic window of silence: idle, last instance held for the grace period", 1, 1, 6, null, 1, "HoldingLastInstance")]
    [InlineData("grace period over since idle was first seen: zero", 1, 1, 36, 6, 0, "ScaledToZero")]
    [InlineData("initial scale 3, silent: halves as any idle count does", 3, 3, 10, null, 1, "Stable")]
    [InlineData("minScale 1 still holds a silent function", 1, 1, 600, 6, 1, "Bounds")]
    public void Decide_NeverInvoked_ScalesDownOnceWatchedForAPanicWindow(
        string label, int ready, int current, double seconds, int? zeroSinceSecond, int expected, string expectedReason)
    {
        var min = expectedReason == "Bounds" ? 1 : 0;
        var state = new KpaState(null, null, 0, zeroSinceSecond is { } z ? T0.AddSeconds(z) : null);
        var inputs = Inputs(0, 0, ready, current, seconds, Scale(min: min, initial: current), state: state) with { Observed = WindowAverages.NoData };

        var decision = KpaScaler.Decide(inputs);

        Assert.True(expected == decision.DesiredScale, $"{label}: desired {decision.DesiredScale}");
        Assert.True(expectedReason == decision.Reason.ToString(), $"{label}: reason {decision.Reason}");
    }

    [Fact]
    public void Decide_InitialScale_IsKeptUntilLoadDecidesOtherwise()
    {
        var scale = Scale(initial: 3);
        var sim = new KpaSimulation(scale: scale, initialDesired: scale.InitialScale);

        var first = sim.Tick(seconds: 0, load: 150);

        Assert.Equal(3, first.DesiredScale);
    }

    // Idle after 30 s of load ending at t = 29: the stable average reaches 0 once that second leaves the 60 s window
    // (first tick at t = 90), and the last instance stays for the 30 s grace period after that (gone at t = 120).
    [Theory]
    [InlineData("before the stable window drains", 88, 1)]
    [InlineData("stable average just reached zero", 90, 1)]
    [InlineData("one tick before the grace period ends", 118, 1)]
    [InlineData("grace period over", 120, 0)]
    [InlineData("stays at zero", 160, 0)]
    public void Decide_IdleAfterLoad_ScalesToZeroOnlyAfterGracePeriod(string label, int atSecond, int expected)
    {
        var sim = new KpaSimulation();
        var trace = KpaSimulation.Run(sim, seconds: 200, load: t => t < 30 ? 50 : 0);

        Assert.True(expected == trace[atSecond].DesiredScale, $"{label}: desired {trace[atSecond].DesiredScale} at {atSecond} s");
    }

    [Fact]
    public void Decide_ActiveRequestsAfterGracePeriod_KeepsOneInstance()
    {
        var sim = new KpaSimulation(canScaleToZero: false);
        var trace = KpaSimulation.Run(sim, seconds: 300, load: t => t < 30 ? 50 : 0);

        Assert.All(trace.Values, d => Assert.True(d.DesiredScale >= 1, $"desired {d.DesiredScale}"));
        Assert.Equal(ScaleReason.HoldingLastInstance, trace[298].Reason);
    }

    [Fact]
    public void Decide_AtZeroWithQueuedRequest_AsksForOne()
    {
        var decision = KpaScaler.Decide(Inputs(0, 0, ready: 0, current: 0, canScaleToZero: false));

        Assert.Equal(1, decision.DesiredScale);
    }

    [Fact]
    public void Decide_AtZeroAndIdle_StaysAtZero()
    {
        var decision = KpaScaler.Decide(Inputs(0, 0, ready: 0, current: 0));

        Assert.Equal(0, decision.DesiredScale);
        Assert.Equal(ScaleReason.ScaledToZero, decision.Reason);
    }

    [Fact]
    public void Decide_LoadReturnsDuringGracePeriod_ResetsIdleClock()
    {
        var decision = KpaScaler.Decide(Inputs(5, 5, 1, 1, seconds: 100, state: new KpaState(null, null, 0, T0)));

        Assert.Equal(1, decision.DesiredScale);
        Assert.Null(decision.State.ZeroSince);
    }

    // 70 steady on 1 instance, a 10 s burst of 700 at t = 100..109, then 70 again.
    [Fact]
    public void Decide_Burst_PanicsAndNeverScalesDownUntilAFullStableWindowPasses()
    {
        var sim = new KpaSimulation();
        var trace = KpaSimulation.Run(sim, seconds: 300, load: t => t is >= 100 and < 110 ? 700 : 70);

        var panicTicks = trace.Where(p => p.Value.InPanic).Select(p => p.Key).ToList();
        Assert.NotEmpty(panicTicks);
        var entered = panicTicks.Min();
        var lastTrigger = trace.Where(p => p.Value.DesiredPanicPods >= 2 * p.Value.ReadyBefore).Select(p => p.Key).Max();
        var exited = trace.Keys.Where(t => t > entered && !trace[t].InPanic).Min();

        Assert.InRange(entered, 100, 102);
        Assert.True(exited > lastTrigger + 60, $"panic ended at {exited}, last trigger at {lastTrigger}");
        Assert.True(exited <= lastTrigger + 62, $"panic lasted past one stable window: ended {exited}, last trigger {lastTrigger}");
        Assert.All(panicTicks, t => Assert.InRange(t, entered, exited - 1));

        var previous = 0;
        foreach (var t in panicTicks)
        {
            Assert.True(trace[t].DesiredScale >= previous, $"scaled down in panic at {t} s: {previous} → {trace[t].DesiredScale}");
            previous = trace[t].DesiredScale;
        }
    }

    [Fact]
    public void Decide_LeavingPanic_StepsDownAtMostByTheScaleDownRate()
    {
        // Panic peaked at 20 instances, but only 6 are ready and the stable average now needs 2.
        var state = new KpaState(T0, T0, 20, null);

        var decision = KpaScaler.Decide(Inputs(140, 70, ready: 6, current: 20, seconds: 62, state: state));

        Assert.False(decision.InPanic);
        Assert.Equal(10, decision.DesiredScale);
        Assert.Equal(ScaleReason.PanicExit, decision.Reason);
    }

    [Theory]
    [InlineData("60 s after the last trigger is not yet a full window", 60, true, 20)]
    [InlineData("62 s after the last trigger panic has ended", 62, false, 10)]
    public void Decide_PanicWithoutTrigger_EndsOnlyAfterFullStableWindow(string label, double seconds, bool expectedPanic, int expected)
    {
        var state = new KpaState(T0.AddSeconds(-30), T0, 20, null);

        var decision = KpaScaler.Decide(Inputs(70, 70, ready: 20, current: 20, seconds: seconds, state: state));

        Assert.True(expectedPanic == decision.InPanic, label);
        Assert.True(expected == decision.DesiredScale, $"{label}: desired {decision.DesiredScale}");
    }

    [Fact]
    public void ForStart_SeveralReady_StartsInPanicAtTheReadyCount()
    {
        var decision = KpaScaler.Decide(Inputs(0, 0, ready: 4, current: 4, state: KpaState.ForStart(T0, 4)));

        Assert.True(decision.InPanic);
        Assert.Equal(4, decision.DesiredScale);
    }

    // Loads oscillating around the 2 → 3 boundary at 140 (70 per instance): only crossings beyond the 10% margin move the count.
    [Theory]
    [InlineData("noise ±1 around 140 after reaching 3 holds 3", new double[] { 141, 139, 141, 139, 141, 139 }, new[] { 3, 3, 3, 3, 3, 3 })]
    [InlineData("noise ±7% around 140 holds 3", new double[] { 141, 131, 149, 130, 150, 130 }, new[] { 3, 3, 3, 3, 3, 3 })]
    [InlineData("down only at 126, up again past 140", new double[] { 141, 130, 126, 139, 130, 141 }, new[] { 3, 3, 2, 2, 2, 3 })]
    [InlineData("exactly at the boundary 140 from below stays 2", new double[] { 120, 140, 140, 140 }, new[] { 2, 2, 2, 2 })]
    public void Decide_LoadAtThreshold_DoesNotFlap(string label, double[] loads, int[] expected)
    {
        var current = 2;
        var actual = new List<int>();
        var state = KpaState.Initial;
        for (var i = 0; i < loads.Length; i++)
        {
            var decision = KpaScaler.Decide(Inputs(loads[i], loads[i], ready: current, current: current, seconds: 2 * i, state: state));
            current = decision.DesiredScale;
            state = decision.State;
            actual.Add(current);
        }

        Assert.True(expected.SequenceEqual(actual), $"{label}: got [{string.Join(", ", actual)}]");
    }

    [Fact]
    public void Decide_NoisyLoadOnTheBoundary_SettlesAndStays()
    {
        // 140 ± 5% every second: the 60 s average hovers around the 2 → 3 boundary for four minutes.
        var random = new Random(7);
        var loads = Enumerable.Range(0, 300).Select(_ => 140 * (1 + 0.05 * (2 * random.NextDouble() - 1))).ToArray();
        var trace = KpaSimulation.Run(new KpaSimulation(), seconds: 300, load: t => loads[t]);

        var settled = trace.Where(p => p.Key >= 60).OrderBy(p => p.Key).Select(p => p.Value.DesiredScale).ToList();
        var changes = settled.Zip(settled.Skip(1)).Count(p => p.First != p.Second);

        Assert.True(changes <= 1, $"count changed {changes} times: [{string.Join(", ", settled)}]");
        Assert.InRange(settled[^1], 2, 3);
    }

    [Theory]
    [InlineData("rps default target 200 × 70% = 140: 280 rps → 2", 280, 2)]
    [InlineData("rps 281 → 3", 281, 3)]
    [InlineData("rps 0.5 → 1", 0.5, 1)]
    public void Decide_RpsMetric_ScalesOnRequestsPerSecond(string label, double rps, int expected)
    {
        var scale = Scale(metric: ScaleMetricNames.Rps);
        var sample = new ConcurrencySample(new FunctionKey("default", "hello"), T0, AverageConcurrency: 5000, PeakConcurrency: 5000, RequestsPerSecond: rps, QueueDepth: 0);
        var observed = KpaScaler.ObservedValue(sample, scale.Metric);

        var decision = KpaScaler.Decide(Inputs(observed, observed, ready: 2, current: 2, scale: scale));

        Assert.True(expected == decision.DesiredScale, $"{label}: desired {decision.DesiredScale}");
    }

    [Fact]
    public void ObservedValue_ConcurrencyMetric_UsesAverageConcurrency()
    {
        var sample = new ConcurrencySample(new FunctionKey("default", "hello"), T0, AverageConcurrency: 12.5, PeakConcurrency: 20, RequestsPerSecond: 300, QueueDepth: 2);

        Assert.Equal(12.5, KpaScaler.ObservedValue(sample, ScaleMetricNames.Concurrency));
    }

    [Fact]
    public void Decide_CustomTarget_UsesTargetTimesUtilization()
    {
        var scale = Scale() with { Target = 10, TargetUtilization = 0.5 };

        var decision = KpaScaler.Decide(Inputs(26, 26, ready: 5, current: 5, scale: scale, options: new AutoscalerOptions()));

        Assert.Equal(6, decision.DesiredScale); // ceil(26 ÷ 5)
    }
}
