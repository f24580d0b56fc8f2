using Serverless.Core.Api;

namespace Serverless.Core.Defaulting;

/// <summary>
/// A Function's scale settings with every default resolved, so the autoscaler, activator and backends never handle
/// nulls or re-implement the fallback rules. Resolve it from a validated spec.
/// </summary>
public sealed record EffectiveScale
{
    /// <summary><see cref="ScaleClassNames.Kpa"/> or <see cref="ScaleClassNames.Hpa"/>.</summary>
    public string Class { get; init; } = ScaleClassNames.Kpa;

    public bool IsHpa => Class == ScaleClassNames.Hpa;

    public required int MinScale { get; init; }

    /// <summary>0 means unbounded.</summary>
    public required int MaxScale { get; init; }

    /// <summary>Instances to start a new revision with; already within [MinScale, MaxScale].</summary>
    public required int InitialScale { get; init; }

    /// <summary>Per-instance target of <see cref="Metric"/>, before <see cref="TargetUtilization"/> is applied.</summary>
    public required int Target { get; init; }

    public required double TargetUtilization { get; init; }

    /// <summary>Hard per-instance limit of concurrent requests; 0 means unlimited.</summary>
    public required int ContainerConcurrency { get; init; }

    public required TimeSpan ScaleToZeroGracePeriod { get; init; }

    /// <summary><see cref="ScaleMetricNames.Concurrency"/> or <see cref="ScaleMetricNames.Rps"/>.</summary>
    public required string Metric { get; init; }

    /// <summary>How long every decision must have wanted a lower count before it is taken (Knative's <c>scale-down-delay</c>); zero: at once.</summary>
    public TimeSpan ScaleDownDelay { get; init; }

    /// <summary>The fewest instances a function with any load gets, the first scale from zero included (Knative's <c>activation-scale</c>).</summary>
    public int ActivationScale { get; init; } = 1;

    /// <summary>Requests queued beyond the ready capacity tolerated before an immediate panic; -1 any (Knative's <c>target-burst-capacity</c>).</summary>
    public double TargetBurstCapacity { get; init; } = 200;

    /// <summary>
    /// Knative's rules: with the concurrency metric and a containerConcurrency limit, an unset target is the limit
    /// itself and a set one never exceeds it (containerConcurrency 10, no target: target 10, scaled at 10 × 0.7 = 7
    /// in flight per instance). The initial scale is raised to minScale and capped at maxScale. A
    /// <see cref="ScaleDefaults.MaxScaleLimit"/> bounds minScale and maxScale, and stands in for an unbounded maxScale.
    /// </summary>
    public static EffectiveScale Resolve(ScaleSpec? spec, ScaleDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var metric = spec?.Metric ?? ScaleMetricNames.Concurrency;
        var minScale = spec?.MinScale ?? FunctionDefaults.MinScale;
        var maxScale = spec?.MaxScale ?? FunctionDefaults.MaxScale;
        if (defaults.MaxScaleLimit > 0)
        {
            // max-scale-limit 50: maxScale 0 (unbounded) or 80 becomes 50, minScale 80 becomes 50.
            maxScale = maxScale == 0 ? defaults.MaxScaleLimit : Math.Min(maxScale, defaults.MaxScaleLimit);
            minScale = Math.Min(minScale, defaults.MaxScaleLimit);
        }

        var concurrency = spec?.ContainerConcurrency ?? FunctionDefaults.ContainerConcurrency;

        var scaleClass = spec?.Class ?? ScaleClassNames.Kpa;
        var target = spec?.Target ?? (metric == ScaleMetricNames.Cpu ? ScaleMetricNames.HpaCpuTargetDefault : defaults.Target);
        if (metric == ScaleMetricNames.Concurrency && concurrency > 0)
        {
            target = spec?.Target is { } requested ? Math.Min(requested, concurrency) : concurrency;
        }

        var initialScale = Math.Max(spec?.InitialScale ?? FunctionDefaults.InitialScale, minScale);
        if (maxScale > 0)
        {
            initialScale = Math.Min(initialScale, maxScale);
        }

        return new EffectiveScale
        {
            Class = scaleClass,
            MinScale = minScale,
            MaxScale = maxScale,
            InitialScale = initialScale,
            Target = target,
            TargetUtilization = spec?.TargetUtilization ?? defaults.TargetUtilization,
            ContainerConcurrency = concurrency,
            ScaleToZeroGracePeriod = spec?.ScaleToZeroGracePeriodSeconds is { } seconds
                ? TimeSpan.FromSeconds(seconds)
                : defaults.ScaleToZeroGracePeriod,
            Metric = metric,
            ScaleDownDelay = spec?.ScaleDownDelaySeconds is { } delay ? TimeSpan.FromSeconds(delay) : defaults.ScaleDownDelay,
            ActivationScale = spec?.ActivationScale ?? 1,
            TargetBurstCapacity = spec?.TargetBurstCapacity ?? defaults.TargetBurstCapacity,
        };
    }

    /// <summary>A desired instance count brought within [MinScale, MaxScale], MaxScale 0 meaning no upper bound.</summary>
    public int Clamp(int desired)
    {
        var atLeastMin = Math.Max(desired, MinScale);
        return MaxScale > 0 ? Math.Min(atLeastMin, MaxScale) : atLeastMin;
    }
}
