using System.Collections.Immutable;

namespace Serverless.Autoscaler.Scaling.Hpa;

/// <summary>
/// What one HPA decision hands to the next: the recent recommendations (for the stabilization windows) and the
/// recent changes (for the rate policies), each kept only as long as the longest window or period that reads it.
/// </summary>
internal sealed record HpaState(
    ImmutableList<(DateTimeOffset Time, int Replicas)> Recommendations,
    ImmutableList<(DateTimeOffset Time, int Change)> ScaleUps,
    ImmutableList<(DateTimeOffset Time, int Change)> ScaleDowns)
{
    public static HpaState Initial { get; } = new([], [], []);
}
