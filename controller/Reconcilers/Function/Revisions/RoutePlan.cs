using Serverless.Core.Api;
using Serverless.Core.Traffic;

namespace Serverless.Controller.Reconcilers.Function.Revisions;

/// <summary>
/// What a pass decided about a Function's revisions: which one the workload runs, the resolved traffic and the
/// RouteReady state, for the Function's status.
/// </summary>
/// <param name="Run">The revision the workload runs.</param>
/// <param name="Traffic">status.traffic: the resolved split, or the previous one while the new one cannot be served.</param>
internal sealed record RoutePlan(
    Revision Run,
    string LatestCreated,
    string? LatestReady,
    IList<TrafficTarget>? Traffic,
    RouteState Route)
{
    /// <summary>The other revisions the split needs running, each as a workload of its own keyed by its name.</summary>
    public IReadOnlyList<Revision> Secondaries { get; init; } = [];
}
