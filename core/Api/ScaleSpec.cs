using System.Text.Json.Serialization;

namespace Serverless.Core.Api;

/// <summary>
/// Per-function scaling settings. A null field means "the platform default", which is why the
/// fields that have an autoscaler-wide default (target, utilization, grace period) stay nullable
/// after defaulting: the global configuration can change them without rewriting every Function.
/// </summary>
public sealed class ScaleSpec
{
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

    /// <summary><c>concurrency</c> (default) or <c>rps</c>.</summary>
    [JsonPropertyName("metric")]
    public string? Metric { get; set; }
}
