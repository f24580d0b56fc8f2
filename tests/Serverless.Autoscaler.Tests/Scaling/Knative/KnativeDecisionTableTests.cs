using Serverless.Autoscaler.Scaling;
using Serverless.Core.Defaulting;

namespace Serverless.Autoscaler.Tests.Scaling.Knative;

/// <summary>
/// knative/serving's own decider cases (<c>pkg/autoscaler/scaling/autoscaler_test.go</c>), same inputs and expected pod
/// counts; each test is named after the Knative test it ports. Where we differ on purpose the row expects our count and
/// says why: the 10% scale-down margin (<see cref="KpaScaler.ScaleDownMargin"/>) and the panic-exit step
/// (<see cref="ScaleReason.PanicExit"/>). Knative's excess burst capacity is not ported: our activator is always in the
/// path, so nothing reads it (target-burst-capacity means something else here, see <see cref="KpaScaler.BurstExceeded"/>).
/// </summary>
public sealed class KnativeDecisionTableTests
{
    private static readonly TimeSpan Now = TimeSpan.Zero;

    // TestAutoscalerScale: one decision from a fresh decider (a prepared panic where Knative's prepFunc sets one).
    [Theory]
    [InlineData("AutoscalerNoDataAtZeroNoAutoscale", 10, 0, 0, 1, 10, 10, false, false, 0)]
    [InlineData("AutoscalerStableModeUnlimitedTBC", 181, 21, 26, 1, 10, 10, true, false, 1)]
    [InlineData("Autoscaler0TBC", 10, 50, 49, 1, 10, 10, true, false, 5)]
    [InlineData("AutoscalerStableModeNoChange", 10, 50, 50, 1, 10, 10, true, false, 5)]
    [InlineData("AutoscalerPanicStableLargerThanPanic", 1, 50, 30, 5, 10, 10, true, true, 50)]
    [InlineData("AutoscalerPanicStableLessThanPanic", 1, 20, 30, 5, 10, 10, true, true, 30)]
    [InlineData("AutoscalerStableModeNoChangeAlreadyScaled", 10, 50, 50, 5, 10, 10, true, false, 5)]
    [InlineData("AutoscalerStableModeIncreaseWithSmallScaleUpRate", 1, 3, 3.1, 2, 1.1, 10, true, false, 3)]
    [InlineData("AutoscalerStableModeDecreaseWithSmallScaleDownRate", 10, 1, 1, 100, 10, 1.1, true, false, 90)]
    [InlineData("AutoscalerStableModeDecreaseNonReachable", 10, 1, 1, 100, 10, 1.1, false, false, 1)]
    [InlineData("AutoscalerPanicModeDoublePodCount", 10, 50, 100, 1, 10, 10, true, false, 10)]
    public void TestAutoscalerScale_Row_MatchesKnative(
        string label, int target, double stable, double panic, int ready, double upRate, double downRate, bool reachable, bool inPanic, int expected)
    {
        // Knative's prepFunc: panicking since 5 s ago with 5 pods at most.
        var state = inPanic ? new KpaState(KnativeDecider.Start.AddSeconds(-5), KnativeDecider.Start.AddSeconds(-5), 5, null) : KpaState.Initial;
        var decider = new KnativeDecider(target, maxScaleUpRate: upRate, maxScaleDownRate: downRate, state: state, current: ready);

        var decision = decider.Scale(Now, stable, panic, ready, reachable);

        Assert.True(expected == decision.DesiredScale, $"{label}: desired {decision.DesiredScale}, Knative {expected}");
    }

    [Fact]
    public void TestAutoscalerStableModeIncreaseWithConcurrencyDefault()
    {
        var decider = new KnativeDecider(10);

        Assert.Equal(5, decider.Scale(Now, 50, 10, 1).DesiredScale);
        Assert.Equal(10, decider.Scale(Now, 100, 10, 1).DesiredScale);
    }

    [Fact]
    public void TestAutoscalerStableModeIncreaseWithRPS()
    {
        var decider = new KnativeDecider(10, metric: ScaleMetricNames.Rps);

        Assert.Equal(5, decider.Scale(Now, 50, 50, 1).DesiredScale);
        Assert.Equal(10, decider.Scale(Now, 100, 99, 1).DesiredScale);
    }

    [Fact]
    public void TestAutoscalerUnpanicAfterSlowIncrease()
    {
        var decider = new KnativeDecider(1);
        var start = TimeSpan.Zero;

        var first = decider.Scale(start, 11, 25, 10);
        Assert.Equal(25, first.DesiredScale);
        Assert.Equal(KnativeDecider.Start, decider.State.PanicLastTriggeredAt);

        // Half the stable window later, 41 wanted of 40 ready: not a trigger, so the panic time does not move.
        var half = decider.Scale(start + TimeSpan.FromSeconds(30), 30, 41, 40);
        Assert.Equal(41, half.DesiredScale);
        Assert.Equal(KnativeDecider.Start, decider.State.PanicLastTriggeredAt);

        // A stable window and a tick after the trigger: panic ends, the stable count (50) rules.
        var end = decider.Scale(start + TimeSpan.FromSeconds(62), 50, 56, 55);
        Assert.Equal(50, end.DesiredScale);
        Assert.False(end.InPanic);
        Assert.Null(decider.State.PanicStartedAt);
    }

    [Fact]
    public void TestAutoscalerExtendPanicWindow()
    {
        var decider = new KnativeDecider(1);

        Assert.Equal(25, decider.Scale(Now, 11, 25, 10).DesiredScale);
        var later = TimeSpan.FromSeconds(30);
        var extended = decider.Scale(later, 30, 80, 40);

        Assert.Equal(80, extended.DesiredScale);
        Assert.Equal(KnativeDecider.Start + later, decider.State.PanicLastTriggeredAt);
    }

    [Fact]
    public void TestAutoscalerStableModeDecrease_DiffersByTheScaleDownMargin()
    {
        var decider = new KnativeDecider(10);
        Assert.Equal(10, decider.Scale(Now, 100, 100, 8).DesiredScale);

        var down = decider.Scale(Now, 50, 50, 8);

        // Knative: 5. Ours: 6, because 50 on 5 instances of 10 would run them at 100% of target, past the 90% a
        // scale-down may leave (KpaScaler.ScaleDownMargin); 50 ÷ 9 → 6.
        Assert.Equal(6, down.DesiredScale);
    }

    [Fact]
    public void TestAutoscalerStableModeNoTrafficScaleToZero()
    {
        var decider = new KnativeDecider(10);

        Assert.Equal(1, decider.Scale(Now, 1, 0, 1).DesiredScale);
        Assert.Equal(0, decider.Scale(Now, 0, 0, 1).DesiredScale);
    }

    [Fact]
    public void TestAutoscalerActivationScale()
    {
        var decider = new KnativeDecider(10, activationScale: 2);

        Assert.Equal(0, decider.Scale(Now, 0, 0, 1).DesiredScale);
        Assert.Equal(2, decider.Scale(Now, 1, 0, 1).DesiredScale);
    }

    [Fact]
    public void TestAutoscalerPanicModeExponentialTrackAndStabilize()
    {
        var decider = new KnativeDecider(1);
        Assert.Equal(6, decider.Scale(Now, 6, 6, 1).DesiredScale);

        var tm = TimeSpan.FromSeconds(1);
        Assert.Equal(36, decider.Scale(tm, 36, 36, 6).DesiredScale);
        Assert.Equal(KnativeDecider.Start + tm, decider.State.PanicLastTriggeredAt);

        tm += TimeSpan.FromSeconds(1);
        Assert.Equal(216, decider.Scale(tm, 216, 216, 36).DesiredScale);
        Assert.Equal(1296, decider.Scale(tm, 1296, 1296, 216).DesiredScale);

        tm += TimeSpan.FromSeconds(1);
        Assert.Equal(1296, decider.Scale(tm, 1296, 1296, 1296).DesiredScale);
    }

    [Fact]
    public void TestAutoscalerPanicThenUnPanicScaleDown_DiffersByThePanicExitStep()
    {
        var decider = new KnativeDecider(10);
        Assert.Equal(10, decider.Scale(Now, 100, 100, 1).DesiredScale);

        var panicTime = TimeSpan.FromSeconds(1);
        Assert.Equal(100, decider.Scale(panicTime, 100, 1000, 10).DesiredScale);

        // Traffic dropped off; still panicking, so the count stays.
        Assert.Equal(100, decider.Scale(panicTime + TimeSpan.FromSeconds(30), 1, 1, 10).DesiredScale);

        // Knative: 1 once the stable window has passed. Ours: 10, the panic's highest (100) ÷ the scale-down rate
        // (10): leaving panic steps down like any scale-down rather than dropping to the stable count in one tick,
        // which matters when the ready count lags the count asked for (ScaleReason.PanicExit).
        var exit = decider.Scale(panicTime + TimeSpan.FromSeconds(61), 1, 1, 10);
        Assert.Equal(10, exit.DesiredScale);
        Assert.Equal(ScaleReason.PanicExit, exit.Reason);
    }

    [Fact]
    public void TestAutoscalerRateLimitScaleUp()
    {
        var decider = new KnativeDecider(10);

        Assert.Equal(10, decider.Scale(Now, 1000, 1001, 1).DesiredScale);
        Assert.Equal(100, decider.Scale(Now, 1000, 1001, 10).DesiredScale);
    }

    [Fact]
    public void TestAutoscalerRateLimitScaleDown()
    {
        var decider = new KnativeDecider(10, current: 100);

        Assert.Equal(10, decider.Scale(Now, 1, 1, 100).DesiredScale);
        Assert.Equal(1, decider.Scale(Now, 1, 1, 10).DesiredScale);
    }

    [Fact]
    public void TestAutoscalerUseOnePodAsMinimumIfEndpointsNotFound()
    {
        var decider = new KnativeDecider(10);

        Assert.Equal(10, decider.Scale(Now, 1000, 888, 0).DesiredScale);
    }

    [Fact]
    public void TestAutoscalerUpdateTarget()
    {
        Assert.Equal(10, new KnativeDecider(10).Scale(Now, 100, 101, 1).DesiredScale);

        // Knative's Update to target 1 with 10 ready: a fresh spec over the same state.
        Assert.Equal(100, new KnativeDecider(1, current: 10).Scale(Now, 100, 101, 10).DesiredScale);
    }

    [Fact]
    public void TestAutoscalerScaleDownDelay_Simple()
    {
        // Threshold 100 (10000%) never panics; 0 ready as in Knative's test (counted as 1).
        var decider = new KnativeDecider(10, panicThresholdPercentage: 10_000, scaleDownDelay: TimeSpan.FromMinutes(5));

        Assert.Equal(4, decider.Scale(TimeSpan.FromSeconds(2), 40, 40, 0).DesiredScale);
        var held = decider.Scale(TimeSpan.FromMinutes(5), 0, 0, 0);
        Assert.Equal(4, held.DesiredScale);
        Assert.Equal(ScaleReason.ScaleDownDelay, held.Reason);
        Assert.Equal(0, decider.Scale(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(2), 0, 0, 0).DesiredScale);
    }

    [Fact]
    public void TestAutoscalerScaleDownDelay_Gradual_DiffersByTheScaleDownMargin()
    {
        var decider = new KnativeDecider(10, panicThresholdPercentage: 10_000, scaleDownDelay: TimeSpan.FromMinutes(5), current: 0);

        Assert.Equal(4, decider.Scale(TimeSpan.FromMinutes(9), 40, 40, 0).DesiredScale);
        Assert.Equal(4, decider.Scale(TimeSpan.FromMinutes(10), 30, 30, 0).DesiredScale); // Knative: 4, the 4 dominates
        Assert.Equal(4, decider.Scale(TimeSpan.FromMinutes(11), 0, 0, 0).DesiredScale);

        // Knative: 3, as the 9-minute 4 has scrolled out and its 10-minute decision was 3. Ours decided 4 at 10
        // minutes (30 on 3 instances of 10 is 100% of target, past the 90% a scale-down may leave), so 4 it stays.
        Assert.Equal(4, decider.Scale(TimeSpan.FromMinutes(14), 0, 0, 0).DesiredScale);
        Assert.Equal(0, decider.Scale(TimeSpan.FromMinutes(15), 0, 0, 0).DesiredScale);
    }

    [Fact]
    public void TestAutoscalerScaleDownDelayNotReachable()
    {
        var decider = new KnativeDecider(10, panicThresholdPercentage: 10_000, scaleDownDelay: TimeSpan.FromMinutes(5));

        Assert.Equal(4, decider.Scale(TimeSpan.FromSeconds(2), 40, 40, 0).DesiredScale);
        Assert.Equal(4, decider.Scale(TimeSpan.FromMinutes(1), 0, 0, 0).DesiredScale);

        // Another revision took the traffic: no delay, straight to zero.
        Assert.Equal(0, decider.Scale(TimeSpan.FromSeconds(2), 0, 0, 0, reachable: false).DesiredScale);
    }

    [Fact]
    public void TestAutoscalerScaleDownDelayZero_DiffersByTheScaleDownMargin()
    {
        var decider = new KnativeDecider(10, panicThresholdPercentage: 10_000);

        Assert.Equal(4, decider.Scale(Now, 40, 40, 0).DesiredScale);

        // Knative: 2 at once. Ours: 3, as 20 on 2 instances of 10 would run them at 100% of target (the 10% margin).
        Assert.Equal(3, decider.Scale(TimeSpan.FromMilliseconds(500), 20, 20, 0).DesiredScale);
    }

    [Theory]
    [InlineData(0, false, 0)]
    [InlineData(1, false, 0)]
    [InlineData(2, true, 2)]
    public void TestStartInPanicMode(int ready, bool expectedPanic, int expectedMaxPanicPods)
    {
        // Knative keeps maxPanicPods = ready (0 or 1) outside panic too; it is only read in panic, where ours is set.
        var state = KpaState.ForStart(KnativeDecider.Start, ready);

        Assert.Equal(expectedPanic, state.InPanic);
        Assert.Equal(expectedMaxPanicPods, state.MaxPanicPods);
    }

    [Fact]
    public void TestAutoscalerNoDataNoAutoscale()
    {
        // Knative returns an invalid result (no change) without data; ours holds the current count while it waits for
        // its first sample (for one panic window; after that silence means idle, see KpaInputs.WatchedSince).
        var inputs = new KpaInputs
        {
            Now = KnativeDecider.Start,
            Observed = WindowAverages.NoData,
            WatchedSince = KnativeDecider.Start,
            Scale = KpaTestInputs.Scale(),
            Options = new(),
            ReadyCount = 3,
            CurrentDesired = 3,
            State = KpaState.Initial,
            CanScaleToZero = true,
        };

        var decision = KpaScaler.Decide(inputs);

        Assert.Equal(3, decision.DesiredScale);
        Assert.Equal(ScaleReason.NoData, decision.Reason);
    }
}
