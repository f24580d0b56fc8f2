using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Scaling;
using Serverless.Core.Defaulting;

namespace Serverless.Autoscaler.Tests.Scaling.Knative;

/// <summary>
/// Our <see cref="KpaScaler"/> set up as knative/serving's <c>pkg/autoscaler/scaling/autoscaler_test.go</c> sets up its
/// decider, and driven the way its tests drive one: the windows' averages and the ready count given at each call, the
/// decision state carried from call to call.
/// </summary>
/// <remarks>
/// Knative's <c>TargetValue</c> is already target × utilization, so ours is that value with utilization 1 (our target is
/// an integer; every ported value is one). Knative's decider has no grace period (its reconciler applies one), so ours is
/// 0. Rates 10 up and down, panic threshold 2.0 (200%), stable window 60 s, tick 2 s, as <c>newTestAutoscaler</c>.
/// </remarks>
internal sealed class KnativeDecider
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly EffectiveScale _scale;
    private readonly AutoscalerOptions _options;
    private KpaState _state;
    private int _current;

    public KnativeDecider(
        int targetValue,
        string metric = ScaleMetricNames.Concurrency,
        double maxScaleUpRate = 10,
        double maxScaleDownRate = 10,
        double panicThresholdPercentage = 200,
        TimeSpan scaleDownDelay = default,
        int activationScale = 1,
        KpaState? state = null,
        int current = 1)
    {
        _scale = new EffectiveScale
        {
            MinScale = 0,
            MaxScale = 0,
            InitialScale = 1,
            Target = targetValue,
            TargetUtilization = 1,
            ContainerConcurrency = 0,
            ScaleToZeroGracePeriod = TimeSpan.Zero,
            Metric = metric,
            ScaleDownDelay = scaleDownDelay,
            ActivationScale = activationScale,
            TargetBurstCapacity = -1,
        };
        _options = new AutoscalerOptions
        {
            MaxScaleUpRate = maxScaleUpRate,
            MaxScaleDownRate = maxScaleDownRate,
            PanicThresholdPercentage = panicThresholdPercentage,
            StableWindow = TimeSpan.FromSeconds(60),
            TickInterval = TimeSpan.FromSeconds(2),
        };
        _state = state ?? KpaState.Initial;
        _current = current;
    }

    public KpaState State => _state;

    /// <summary>One <c>Scale(now)</c> call: our decision for the averages and ready count Knative's test sets.</summary>
    public ScaleDecision Scale(TimeSpan at, double stable, double panic, int ready, bool reachable = true)
    {
        var decision = KpaScaler.Decide(new KpaInputs
        {
            Now = Start + at,
            Observed = new WindowAverages(stable, panic, HasData: true),
            WatchedSince = Start - TimeSpan.FromHours(1),
            Scale = _scale,
            Options = _options,
            ReadyCount = ready,
            CurrentDesired = _current,
            State = _state,
            CanScaleToZero = true,
            Reachable = reachable,
        });
        _state = decision.State;
        _current = decision.DesiredScale;
        return decision;
    }
}
