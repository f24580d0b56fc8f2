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
/// <item>The last instance goes only after the stable average has been 0 for the whole grace period and the activator
/// confirms nothing is active; then minScale and maxScale have the last word.</item>
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
        var maxScaleDown = (int)Math.Floor(ready / options.MaxScaleDownRate);

        var stablePods = PodsFor(observed.Stable, perInstance);
        var panicPods = PodsFor(observed.Panic, perInstance);
        var desiredStable = Math.Clamp(WithHysteresis(stablePods, observed.Stable, perInstance, inputs.CurrentDesired), maxScaleDown, maxScaleUp);
        var desiredPanic = Math.Clamp(panicPods, maxScaleDown, maxScaleUp);

        var panicStartedAt = state.PanicStartedAt;
        var panicLastTriggeredAt = state.PanicLastTriggeredAt;
        var exitedPanic = false;
        if (panicPods / ready >= options.PanicThreshold)
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
        var maxPanicPods = 0;
        ScaleReason reason;
        if (panicStartedAt is not null)
        {
            // The stable average can exceed the panic one (the burst has just ended); provision for the larger.
            maxPanicPods = Math.Max(state.MaxPanicPods, Math.Max(desiredStable, desiredPanic));
            desired = maxPanicPods;
            reason = ScaleReason.Panic;
        }
        else if (exitedPanic)
        {
            var stepFloor = (int)Math.Floor(state.MaxPanicPods / options.MaxScaleDownRate);
            desired = Math.Max(desiredStable, stepFloor);
            reason = desired > desiredStable ? ScaleReason.PanicExit : ScaleReason.Stable;
        }
        else
        {
            desired = desiredStable;
            reason = ScaleReason.Stable;
        }

        DateTimeOffset? zeroSince = observed.Stable > 0 ? null : state.ZeroSince ?? now;
        if (desired == 0)
        {
            if (!inputs.CanScaleToZero)
            {
                desired = 1;
                reason = ScaleReason.HoldingLastInstance;
            }
            else if (inputs.CurrentDesired == 0 || now - zeroSince >= scale.ScaleToZeroGracePeriod)
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
            new KpaState(panicStartedAt, panicLastTriggeredAt, maxPanicPods, zeroSince),
            reason);
    }

    private static int PodsFor(double observed, double perInstance) =>
        observed <= 0 ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(observed / perInstance - Epsilon));

    private static int WithHysteresis(int pods, double observed, double perInstance, int current) =>
        pods >= current ? pods : Math.Min(current, PodsFor(observed, perInstance * (1 - ScaleDownMargin)));
}
