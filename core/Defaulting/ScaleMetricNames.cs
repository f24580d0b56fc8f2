namespace Serverless.Core.Defaulting;

/// <summary>The values of <c>spec.scale.metric</c>.</summary>
public static class ScaleMetricNames
{
    /// <summary>In-flight requests per instance; the default.</summary>
    public const string Concurrency = "concurrency";

    /// <summary>Requests per second per instance.</summary>
    public const string Rps = "rps";

    public static readonly IReadOnlyList<string> All = [Concurrency, Rps];
}
