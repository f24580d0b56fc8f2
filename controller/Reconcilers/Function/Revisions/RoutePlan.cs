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

    /// <summary>
    /// Tagged revisions without a share: each a workload of its own keyed by its name, created at zero (once it proved
    /// ready) so that its tag's URL activates it alone.
    /// </summary>
    public IReadOnlyList<Revision> TagOnly { get; init; } = [];

    /// <summary>The gradual rollout in progress after this pass (status.rollout), else null.</summary>
    public RolloutStatus? Rollout { get; init; }

    /// <summary>The <c>Rollout</c> condition this pass sets (started, stepped, done, aborted); null leaves it as it was.</summary>
    public RouteState? RolloutCondition { get; init; }

    /// <summary>When the Function must be reconciled again without any change: the next rollout step.</summary>
    public TimeSpan? RequeueAfter { get; init; }
}
