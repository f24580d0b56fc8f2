using System.Text.Json.Serialization;

namespace Serverless.Core.Api;

/// <summary>
/// Per-function scaling settings. A null field means "the platform default", which is why the
/// fields that have an autoscaler-wide default (target, utilization, grace period) stay nullable
/// after defaulting: the global configuration can change them without rewriting every Function.
/// </summary>
public sealed class ScaleSpec
{
    /// <summary>
    /// Knative's <c>autoscaling.knative.dev/class</c>: <c>kpa.autoscaling.knative.dev</c> (the default, on request
    /// counts, scales to zero) or <c>hpa.autoscaling.knative.dev</c> (on CPU or memory per instance, minScale at least 1).
    /// </summary>
    [JsonPropertyName("class")]
    public string? Class { get; set; }

    /// <summary>Fewest instances, default 0 (scale to zero allowed).</summary>
    [JsonPropertyName("minScale")]
    public int? MinScale { get; set; }

    /// <summary>Most instances, default 0 meaning unbounded.</summary>
    [JsonPropertyName("maxScale")]
    public int? MaxScale { get; set; }

    /// <summary>Instances started when a new revision rolls out, default 1.</summary>
    [JsonPropertyName("initialScale")]
    public int? InitialScale { get; set; }

    /// <summary>Concurrent requests (or requests/s with metric rps) per instance the autoscaler aims at; default 100.</summary>
    [JsonPropertyName("target")]
    public int? Target { get; set; }

    /// <summary>Fraction of <see cref="Target"/> to scale at, in (0, 1]; default 0.7.</summary>
    [JsonPropertyName("targetUtilization")]
    public double? TargetUtilization { get; set; }

    /// <summary>Hard limit of concurrent requests per instance; 0 means unlimited. Default 0.</summary>
    [JsonPropertyName("containerConcurrency")]
    public int? ContainerConcurrency { get; set; }

    /// <summary>Seconds without traffic before the last instance is removed; default 30.</summary>
    [JsonPropertyName("scaleToZeroGracePeriodSeconds")]
    public int? ScaleToZeroGracePeriodSeconds { get; set; }

    /// <summary>
    /// Knative's <c>scale-down-delay</c>: a lower count is taken only once every decision of this many seconds has
    /// wanted it, so a function that comes and goes keeps its instances warm. 0 to 3600; default the platform's (0).
    /// </summary>
    [JsonPropertyName("scaleDownDelaySeconds")]
    public int? ScaleDownDelaySeconds { get; set; }

    /// <summary>Knative's <c>activation-scale</c>: whenever load needs any instance it gets at least this many, the first scale from zero included. At least 1; default 1.</summary>
    [JsonPropertyName("activationScale")]
    public int? ActivationScale { get; set; }

    /// <summary>
    /// Knative's <c>target-burst-capacity</c>: the requests beyond the ready instances' capacity the activator may hold
    /// queued before the autoscaler panics at once rather than at its next panic-window reading. -1 means any
    /// queue is tolerated (panic only from the window averages); 0 means the first queued request panics.
    /// Default the platform's (200).
    /// </summary>
    [JsonPropertyName("targetBurstCapacity")]
    public double? TargetBurstCapacity { get; set; }

    /// <summary><c>concurrency</c> (default) or <c>rps</c>; with the HPA class <c>cpu</c> (target: percent of the CPU request) or <c>memory</c> (target: MiB).</summary>
    [JsonPropertyName("metric")]
    public string? Metric { get; set; }
}
