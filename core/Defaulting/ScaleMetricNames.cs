namespace Serverless.Core.Defaulting;

/// <summary>The values of <c>spec.scale.metric</c>.</summary>
public static class ScaleMetricNames
{
    /// <summary>In-flight requests per instance; the default.</summary>
    public const string Concurrency = "concurrency";

    /// <summary>Requests per second per instance.</summary>
    public const string Rps = "rps";

    /// <summary>CPU utilization per instance, in percent of its CPU request (one core when it requests none); HPA class only.</summary>
    public const string Cpu = "cpu";

    /// <summary>Memory per instance, the target in MiB (Knative's reading); HPA class only.</summary>
    public const string Memory = "memory";

    /// <summary>The metrics of the KPA class (the default).</summary>
    public static readonly IReadOnlyList<string> All = [Concurrency, Rps];

    /// <summary>The metrics of the HPA class.</summary>
    public static readonly IReadOnlyList<string> Hpa = [Cpu, Memory];

    /// <summary>The metrics a class accepts.</summary>
    public static IReadOnlyList<string> For(string? scaleClass) => ScaleClassNames.IsHpa(scaleClass) ? Hpa : All;

    /// <summary>The default target of an HPA metric when a Function sets none: Kubernetes' 80% CPU; memory has none.</summary>
    public const int HpaCpuTargetDefault = 80;
}
