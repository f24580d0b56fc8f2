using Serverless.Core.Api;

namespace Serverless.Core.Traffic;

/// <summary>
/// Knative's <c>BuildTrafficConfiguration</c>: turns <c>spec.traffic</c> into <c>status.traffic</c>, every target naming
/// the revision it sends to and each tag its URL. Pure, so it is table-tested.
/// </summary>
/// <remarks>
/// With no traffic block everything goes to the latest <em>ready</em> revision, so a broken new deploy never takes
/// traffic: it stays latestCreated while latestReady (and the split) keep the previous one. A target that cannot be
/// served makes the route not ready with Knative's reason <c>RevisionMissing</c>: False for a revision that does not
/// exist or failed, Unknown for one that is not ready yet or while no revision is ready at all.
/// </remarks>
public static class TrafficResolver
{
    private static readonly TrafficTarget[] LatestOnly = [new() { LatestRevision = true, Percent = 100 }];

    /// <param name="function">The Function's name (messages only).</param>
    /// <param name="traffic">The validated <c>spec.traffic</c>; null or empty means 100% latest.</param>
    /// <param name="revisions">The Function's revisions by name.</param>
    /// <param name="latestReady">The newest ready revision, or null when none is.</param>
    /// <param name="tagUrl">The URL of a tag, e.g. <c>http://127.0.0.1:8080/default/hello@canary/</c>.</param>
    public static TrafficResolution Resolve(
        string function,
        IList<TrafficTarget>? traffic,
        IReadOnlyDictionary<string, RevisionReadiness> revisions,
        string? latestReady,
        Func<string, string?> tagUrl)
    {
        ArgumentNullException.ThrowIfNull(revisions);
        ArgumentNullException.ThrowIfNull(tagUrl);
        var targets = traffic is { Count: > 0 } ? traffic : LatestOnly;
        var resolved = new List<TrafficTarget>(targets.Count);
        RouteState? problem = null;
        foreach (var target in targets)
        {
            string? revision;
            RouteState? failure;
            if (target.LatestRevision == true)
            {
                revision = latestReady;
                failure = latestReady is null
                    ? new RouteState(ConditionStatus.Unknown, RouteState.RevisionMissing, $"Function \"{function}\" is waiting for a Revision to become ready.")
                    : null;
            }
            else
            {
                revision = target.RevisionName;
                failure = revision is null || !revisions.TryGetValue(revision, out var readiness)
                    ? new RouteState(ConditionStatus.False, RouteState.RevisionMissing, $"Revision \"{revision}\" referenced in traffic not found.")
                    : readiness switch
                    {
                        RevisionReadiness.Ready => null,
                        RevisionReadiness.Failed => new RouteState(ConditionStatus.False, RouteState.RevisionMissing, $"Revision \"{revision}\" failed to become ready."),
                        _ => new RouteState(ConditionStatus.Unknown, RouteState.RevisionMissing, $"Revision \"{revision}\" is not yet ready."),
                    };
            }

            // The first False wins over any Unknown: a missing revision needs the user, a pending one only time.
            if (failure is not null && (problem is null || (problem.Status != ConditionStatus.False && failure.Status == ConditionStatus.False)))
            {
                problem = failure;
            }

            resolved.Add(new TrafficTarget
            {
                Tag = target.Tag,
                RevisionName = revision,
                LatestRevision = target.LatestRevision == true ? true : null,
                Percent = target.Percent ?? 0,
                Url = target.Tag is { } tag ? tagUrl(tag) : null,
            });
        }

        return problem is null ? new TrafficResolution(resolved, RouteState.Ready) : new TrafficResolution(null, problem);
    }
}
