using Microsoft.Extensions.Configuration;
using Serverless.Core.Defaulting;

namespace Serverless.Autoscaler.Configuration;

/// <summary>
/// Platform-wide autoscaler settings, with Knative's <c>config-autoscaler</c> key names and defaults so a value from a
/// Knative install means the same here. Read them with <see cref="Bind(IConfiguration)"/> and check them with
/// <see cref="Validate"/>; per-Function settings (target, utilization, grace, bounds) override the defaults through
/// <see cref="ToScaleDefaults(string)"/> and <see cref="EffectiveScale.Resolve"/>.
/// </summary>
public sealed class AutoscalerOptions
{
    public const string TickIntervalKey = "tick-interval";
    public const string StableWindowKey = "stable-window";
    public const string PanicWindowPercentageKey = "panic-window-percentage";
    public const string PanicThresholdPercentageKey = "panic-threshold-percentage";
    public const string MaxScaleUpRateKey = "max-scale-up-rate";
    public const string MaxScaleDownRateKey = "max-scale-down-rate";
    public const string ContainerConcurrencyTargetDefaultKey = "container-concurrency-target-default";
    public const string TargetUtilizationPercentageKey = "target-utilization-percentage";
    public const string RequestsPerSecondTargetDefaultKey = "requests-per-second-target-default";
    public const string ScaleToZeroGracePeriodKey = "scale-to-zero-grace-period";
    public const string MaxScaleLimitKey = "max-scale-limit";
    public const string ScaleDownDelayKey = "scale-down-delay";
    public const string TargetBurstCapacityKey = "target-burst-capacity";
    public const string HpaSyncPeriodKey = "horizontal-pod-autoscaler-sync-period";
    public const string HpaDownscaleStabilizationKey = "horizontal-pod-autoscaler-downscale-stabilization";

    /// <summary>How often each function's scale is decided (<c>tick-interval</c>). Default 2 s, Knative's fixed tick.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The window the stable average covers (<c>stable-window</c>), and how long panic lasts after its last trigger.
    /// Default 60 s; allowed [5s, 1h], whole seconds.
    /// </summary>
    public TimeSpan StableWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The panic window as a percentage of the stable window (<c>panic-window-percentage</c>). Default 10 (6 s); allowed [1, 100].</summary>
    public double PanicWindowPercentage { get; set; } = 10;

    /// <summary>
    /// Panic starts when the panic-window average needs this percentage of the ready instances
    /// (<c>panic-threshold-percentage</c>). Default 200 (twice as many); allowed [110, 1000].
    /// </summary>
    public double PanicThresholdPercentage { get; set; } = 200;

    /// <summary>One decision raises the count to at most ready × this (<c>max-scale-up-rate</c>). Default 1000; must be greater than 1.</summary>
    public double MaxScaleUpRate { get; set; } = 1000;

    /// <summary>One decision lowers the count to no less than ready ÷ this (<c>max-scale-down-rate</c>). Default 2; must be greater than 1.</summary>
    public double MaxScaleDownRate { get; set; } = 2;

    /// <summary>Concurrent requests per instance to aim at when a Function sets no target (<c>container-concurrency-target-default</c>). Default 100; at least 1.</summary>
    public int ContainerConcurrencyTargetDefault { get; set; } = 100;

    /// <summary>
    /// Percentage of the target to actually scale at, leaving headroom for bursts (<c>target-utilization-percentage</c>,
    /// Knative's <c>container-concurrency-target-percentage</c>). Default 70; allowed [1, 100].
    /// </summary>
    public double TargetUtilizationPercentage { get; set; } = 70;

    /// <summary>Requests per second per instance to aim at for <c>metric: rps</c> when a Function sets no target (<c>requests-per-second-target-default</c>). Default 200; at least 1.</summary>
    public int RequestsPerSecondTargetDefault { get; set; } = 200;

    /// <summary>
    /// How long the stable average must stay at zero before the last instance goes (<c>scale-to-zero-grace-period</c>).
    /// Default 30 s; at least 6 s, as Knative requires.
    /// </summary>
    public TimeSpan ScaleToZeroGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most instances any one Function may run (<c>max-scale-limit</c>): admission refuses a minScale, maxScale or
    /// initialScale above it, and an unbounded maxScale means it. Default 0, no limit, as Knative's; the local platform
    /// sets its own default (platform/PlatformConfiguration). At least 0.
    /// </summary>
    public int MaxScaleLimit { get; set; }

    /// <summary>
    /// How long every decision must have wanted a lower count before it is taken (<c>scale-down-delay</c>), so a
    /// function whose load comes and goes keeps its instances warm in between. Default 0; allowed [0s, 1h], whole seconds.
    /// A Function's <c>scaleDownDelaySeconds</c> overrides it.
    /// </summary>
    public TimeSpan ScaleDownDelay { get; set; }

    /// <summary>
    /// Requests the activator may hold queued beyond what the ready instances take (their count × the target) before
    /// the autoscaler panics at once, at the activator's next report, instead of waiting for the panic-window average
    /// (<c>target-burst-capacity</c>). Knative uses it to decide whether its activator stays in the request path; ours
    /// always is, so here it is the queueing tolerated before panic scaling. -1: any queue is tolerated (panic only
    /// from the window averages); 0: the first queued request panics. Default 200, Knative's; -1 or at least 0.
    /// A Function's <c>targetBurstCapacity</c> overrides it.
    /// </summary>
    public double TargetBurstCapacity { get; set; } = 200;

    /// <summary>
    /// How often the HPA class is decided in local mode (<c>horizontal-pod-autoscaler-sync-period</c>, the
    /// kube-controller-manager flag): CPU is averaged over this period. Default 15 s, Kubernetes'; at least 1 s.
    /// On Kubernetes the cluster's own HPA controller runs with the cluster's setting.
    /// </summary>
    public TimeSpan HpaSyncPeriod { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The HPA class's scale-down stabilization window in local mode
    /// (<c>horizontal-pod-autoscaler-downscale-stabilization</c>, the kube-controller-manager flag): a lower count is
    /// taken only once every recommendation of this window allows it. Default 5 min, Kubernetes'; at least 0.
    /// </summary>
    public TimeSpan HpaDownscaleStabilization { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The stable window × panic-window-percentage: 60 s × 10% = 6 s.</summary>
    public TimeSpan PanicWindow => StableWindow * (PanicWindowPercentage / 100);

    /// <summary>The panic threshold as a ratio of desired to ready instances: 200% → 2.0.</summary>
    public double PanicThreshold => PanicThresholdPercentage / 100;

    /// <summary>
    /// The defaults a Function's scale spec falls back to. The target depends on the metric, because
    /// <see cref="EffectiveScale.Resolve"/> takes a single default target: pass the Function's metric (or
    /// concurrency when it sets none).
    /// </summary>
    public ScaleDefaults ToScaleDefaults(string metric) => new()
    {
        Target = metric == ScaleMetricNames.Rps ? RequestsPerSecondTargetDefault : ContainerConcurrencyTargetDefault,
        TargetUtilization = TargetUtilizationPercentage / 100,
        ScaleToZeroGracePeriod = ScaleToZeroGracePeriod,
        MaxScaleLimit = MaxScaleLimit,
        ScaleDownDelay = ScaleDownDelay,
        TargetBurstCapacity = TargetBurstCapacity,
    };

    /// <summary>
    /// Reads the keys present in <paramref name="section"/> over the defaults (absent keys keep them). Throws
    /// <see cref="InvalidOperationException"/> listing every unreadable or out-of-range value, one per line.
    /// </summary>
    public static AutoscalerOptions Bind(IConfiguration section)
    {
        var options = AutoscalerOptionsReader.Read(section, out var errors);
        if (errors.Count == 0)
        {
            errors = options.Validate();
        }

        return errors.Count == 0
            ? options
            : throw new InvalidOperationException("invalid autoscaler configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    /// <summary>
    /// Every out-of-range value, in Knative's words (<c>max-scale-up-rate = 0.5, must be greater than 1.0</c>); empty
    /// when all are valid.
    /// </summary>
    public IReadOnlyList<string> Validate() => AutoscalerOptionsValidator.Check(this);
}
