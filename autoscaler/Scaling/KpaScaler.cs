using Serverless.Core.Contracts;
using Serverless.Core.Defaulting;

namespace Serverless.Autoscaler.Scaling;

/// <summary>
/// Knative's pod autoscaler (KPA) decision, after <c>knative/serving pkg/autoscaler/scaling/autoscaler.go</c>, as a
/// pure function: the same inputs give the same decision, and time is only <see cref="KpaInputs.Now"/>.
/// </summary>
/// <remarks>
/// With the defaults (target 100, utilization 70%, so 70 per instance; panic threshold 2.0; rates 1000× up, 2× down):
/// <list type="number">
/// <item>desired stable pods = ceil(stable ÷ 70), desired panic pods = ceil(panic ÷ 70): 150 in flight → 3.</item>
/// <item>Both are kept within [floor(ready ÷ 2), ceil(ready × 1000)], ready counted as at least 1: 8 ready never go below 4
/// in one decision, 0 ready may go to 1000.</item>
/// <item>Panic starts when desired panic pods ÷ ready ≥ 2.0 (3 ready, 6 s average of 420 → 6 pods → 2.0: panic). While
/// panicking the count is the larger of the stable and panic counts and never below the highest count of this panic;
/// panic ends only once a full stable window has passed since the condition last held, and that tick steps down to no
/// less than highest ÷ 2.</item>
/// <item>Going down in stable mode has a 10% margin (see <see cref="ScaleDownMargin"/>), so a load sitting on a
/// boundary does not flap.</item>
/// <item>No sample at all is read as "not yet known" (the count is held) only for one panic window after the scaler
/// began watching the function; after that it is idle, so a function deployed and never invoked scales to zero too.</item>
/// <item>activation-scale N: any load at all gets at least N.</item>
/// <item>The activators' live count (<see cref="KpaInputs.InstantLoad"/>): never fewer instances than it fills at 90% of
/// the target (<see cref="LiveFit"/>); past the burst capacity beyond the full target it starts panic at once
/// (<see cref="BurstExceeded"/>).</item>
/// <item>scale-down-delay: never below the highest count needed within the delay (<see cref="ScaleDownDelayWindow"/>).</item>
/// <item>The last instance goes only after the stable average has been 0 for the whole grace period and the activator
/// confirms nothing is active; then minScale and maxScale have the last word.</item>
/// <item>Unreachable (<see cref="KpaInputs.Reachable"/> false): no panic, no scale-down rate limit, margin or delay, and zero at once.</item>
/// </list>
/// </remarks>
internal static class KpaScaler
{
    /// <summary>
    /// A lower count is taken only if the load would still use at most 90% of its per-instance target. With 70 per
    /// instance and 3 instances: 139.9 in flight needs ceil(139.9 ÷ 70) = 2, but 2 × 70 × 0.9 = 126 &lt; 139.9, so 3
    /// stay; at 126 or less, 2 it is. Going up has no margin (140.1 → 3 at once), so between 126 and 140 the count is
    /// whatever it was: noise of ±5% around 140 keeps 3 instances instead of alternating 2 and 3 every tick.
    /// </summary>
    public const double ScaleDownMargin = 0.1;

    // ceil() of a ratio that should be an exact integer but is off by one ulp (e.g. 210 ÷ (100 × 0.7)) must not add a pod.
    private const double Epsilon = 1e-9;

    /// <summary>The value of a sample the windows should record for a function using <paramref name="metric"/>.</summary>
    public static double ObservedValue(in ConcurrencySample sample, string metric) =>
        metric == ScaleMetricNames.Rps ? sample.RequestsPerSecond : sample.AverageConcurrency;

    public static ScaleDecision Decide(in KpaInputs inputs)
    {
        var options = inputs.Options;
        var scale = inputs.Scale;
        var now = inputs.Now;
        var state = inputs.State;

        var observed = inputs.Observed;
        if (!observed.HasData)
        {
            if (now - inputs.WatchedSince < options.PanicWindow)
            {
                var held = scale.Clamp(inputs.CurrentDesired);
                return new ScaleDecision(held, state.InPanic, 0, 0, 0, 0, state,
                    held == inputs.CurrentDesired ? ScaleReason.NoData : ScaleReason.Bounds);
            }

            // Never invoked since we began watching: idle, as Knative's scraped zeros say. Without this a function
            // deployed and never called would keep its initial instances for ever.
            observed = WindowAverages.Idle;
        }

        var perInstance = scale.Target * scale.TargetUtilization;
        if (!(perInstance > 0))
        {
            throw new ArgumentException($"target × utilization must be positive, was {scale.Target} × {scale.TargetUtilization}", nameof(inputs));
        }

        double ready = Math.Max(1, inputs.ReadyCount);
        var maxScaleUp = (int)Math.Ceiling(options.MaxScaleUpRate * ready);

        // An unreachable function has no traffic to protect: nothing holds its count up (Knative's Reachable).
        var maxScaleDown = inputs.Reachable ? (int)Math.Floor(ready / options.MaxScaleDownRate) : 0;

        // The activator's live count, when its queue is past the burst capacity, stands in for the panic-window average:
        // the spike is acted on at the next report instead of once it has moved a 6 s average.
        var burst = BurstExceeded(inputs.InstantLoad, inputs.ReadyCount, scale);
        var panicObserved = burst ? Math.Max(observed.Panic, inputs.InstantLoad) : observed.Panic;

        var stablePods = PodsFor(observed.Stable, perInstance);
        var panicPods = PodsFor(panicObserved, perInstance);
        // What the stable average needs before the scale-down rate limit: the scale-down delay remembers this, so that
        // once the delay is over the count steps down at the rate limit instead of waiting a further delay per step.
        var stableNeed = Math.Min(
            inputs.Reachable ? WithHysteresis(stablePods, observed.Stable, perInstance, inputs.CurrentDesired) : stablePods, maxScaleUp);
        var desiredPanic = Math.Clamp(panicPods, maxScaleDown, maxScaleUp);
        if (scale.ActivationScale > 1)
        {
            // Knative's activation-scale: any load at all gets at least this many.
            stableNeed = stablePods > 0 ? Math.Max(stableNeed, scale.ActivationScale) : stableNeed;
            desiredPanic = panicPods > 0 ? Math.Max(desiredPanic, scale.ActivationScale) : desiredPanic;
        }

        var desiredStable = Math.Max(stableNeed, maxScaleDown);

        var panicStartedAt = state.PanicStartedAt;
        var panicLastTriggeredAt = state.PanicLastTriggeredAt;
        var exitedPanic = false;
        if (!inputs.Reachable)
        {
            // Panic provisions for a surge of new requests; an unreachable function gets none (where Knative keeps its
            // max panic pods until the window passes, we let the count drop to the in-flight need at once).
            exitedPanic = panicStartedAt is not null;
            panicStartedAt = null;
            panicLastTriggeredAt = null;
        }
        else if (burst || panicPods / ready >= options.PanicThreshold)
        {
            panicStartedAt ??= now;
            panicLastTriggeredAt = now;
        }
        else if (panicStartedAt is not null && now - (panicLastTriggeredAt ?? panicStartedAt.Value) > options.StableWindow)
        {
            // The surge has been in the stable average for a whole window by now: it alone can be trusted again.
            exitedPanic = true;
            panicStartedAt = null;
            panicLastTriggeredAt = null;
        }

        int desired;
        int need;
        var maxPanicPods = 0;
        ScaleReason reason;
        if (panicStartedAt is not null)
        {
            // The stable average can exceed the panic one (the burst has just ended); provision for the larger.
            maxPanicPods = Math.Max(state.MaxPanicPods, Math.Max(desiredStable, desiredPanic));
            desired = need = maxPanicPods;
            reason = ScaleReason.Panic;
        }
        else if (exitedPanic && inputs.Reachable)
        {
            var stepFloor = (int)Math.Floor(state.MaxPanicPods / options.MaxScaleDownRate);
            desired = Math.Max(desiredStable, stepFloor);
            need = stableNeed;
            reason = desired > desiredStable ? ScaleReason.PanicExit : ScaleReason.Stable;
        }
        else
        {
            desired = desiredStable;
            need = stableNeed;
            reason = ScaleReason.Stable;
        }

        var fit = Math.Min(maxScaleUp, LiveFit(inputs.InstantLoad, scale));
        need = Math.Max(need, fit);
        if (fit > desired)
        {
            // Never fewer than the live load fills: a count raised by a poke is not taken back while that load lasts.
            desired = fit;
            reason = ScaleReason.LiveLoad;
        }

        var delay = state.Delay;
        if (scale.ScaleDownDelay > TimeSpan.Zero && inputs.Reachable)
        {
            delay = (delay ?? ScaleDownDelayWindow.Empty).Record(now, need, scale.ScaleDownDelay, options.TickInterval);
            if (delay.Current > desired)
            {
                desired = delay.Current;
                reason = ScaleReason.ScaleDownDelay;
            }
        }
        else
        {
            delay = null;
        }

        DateTimeOffset? zeroSince = observed.Stable > 0 ? null : state.ZeroSince ?? now;
        if (desired == 0)
        {
            if (!inputs.CanScaleToZero)
            {
                desired = 1;
                reason = ScaleReason.HoldingLastInstance;
            }
            else if (inputs.CurrentDesired == 0 || !inputs.Reachable || now - zeroSince >= scale.ScaleToZeroGracePeriod)
            {
                reason = ScaleReason.ScaledToZero;
            }
            else
            {
                desired = 1;
                reason = ScaleReason.HoldingLastInstance;
            }
        }

        var bounded = scale.Clamp(desired);
        if (bounded != desired)
        {
            reason = ScaleReason.Bounds;
        }

        return new ScaleDecision(
            bounded,
            panicStartedAt is not null,
            observed.Stable,
            observed.Panic,
            stablePods,
            panicPods,
            new KpaState(panicStartedAt, panicLastTriggeredAt, maxPanicPods, zeroSince, delay),
            reason);
    }

    /// <summary>
    /// The instances the requests active at the activators (<see cref="KpaInputs.InstantLoad"/>, in flight and queued)
    /// fill at 90% of the full target, the same margin a scale-down keeps (<see cref="ScaleDownMargin"/>): with target
    /// 100, 181 active fill 3. A decision never goes below it, so requests that queue are served after one start-up
    /// rather than once a window average has caught up with them. 0 for the rps metric (other units) or no load.
    /// </summary>
    public static int LiveFit(double instantLoad, EffectiveScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        return scale.Metric == ScaleMetricNames.Concurrency && instantLoad > 0 ? PodsFor(instantLoad, scale.Target * (1 - ScaleDownMargin)) : 0;
    }

    /// <summary>
    /// Whether the live load needs more instances than are ready (<see cref="LiveFit"/>): with target 100 and 2 ready,
    /// 181 or more active. Such load is queueing or about to, so it is decided on at once (the activator's "poke"),
    /// whatever the window averages say yet.
    /// </summary>
    public static bool OverCapacity(double instantLoad, int readyCount, EffectiveScale scale) =>
        LiveFit(instantLoad, scale) > Math.Max(0, readyCount);

    /// <summary>
    /// Whether the load beyond the ready instances' full target is more than
    /// <see cref="EffectiveScale.TargetBurstCapacity"/>: the queueing tolerated before panic. With target 100, 2 ready
    /// and the default 200, 401 or more active requests panic at once. -1 never does; 0 panics on any excess.
    /// </summary>
    public static bool BurstExceeded(double instantLoad, int readyCount, EffectiveScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        return scale.TargetBurstCapacity >= 0
            && scale.Metric == ScaleMetricNames.Concurrency
            && instantLoad > 0
            && instantLoad - (Math.Max(0, readyCount) * (double)scale.Target) > scale.TargetBurstCapacity;
    }

    private static int PodsFor(double observed, double perInstance) =>
        observed <= 0 ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(observed / perInstance - Epsilon));

    private static int WithHysteresis(int pods, double observed, double perInstance, int current) =>
        pods >= current ? pods : Math.Min(current, PodsFor(observed, perInstance * (1 - ScaleDownMargin)));
}
