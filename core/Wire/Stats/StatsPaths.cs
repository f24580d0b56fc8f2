namespace Serverless.Core.Wire.Stats;

/// <summary>The autoscaler's paths of the statistics link, relative to its root URL (port 8080 on Kubernetes).</summary>
public static class StatsPaths
{
    /// <summary><c>POST</c> a <see cref="StatsReportBody"/>; 200 with a <see cref="StatsReply"/>, 400 or 413 with a <see cref="StatsErrorBody"/>.</summary>
    public const string Stats = "stats";

    /// <summary><c>POST</c> a <see cref="FunctionRefBody"/>; 202, or 400 or 413 with a <see cref="StatsErrorBody"/>.</summary>
    public const string ScaleFromZero = "scale-from-zero";
}
