using Serverless.Core.Api;
using Serverless.Core.Traffic;

namespace Serverless.Controller.Reconcilers.Function.Revisions;

/// <summary>
/// Decides, purely, which revisions run and what the route says. The Function's own workload runs its main revision
/// (the largest share), so a Function with one revision in its traffic is what it always was; a split adds a workload
/// per other revision:
/// <list type="bullet">
/// <item>traffic that follows the latest revision runs the latest created one; the workload's rollout keeps the previous
/// instances serving until its instances are ready, and latestReady (the route) moves only then;</item>
/// <item>traffic pinned to one revision by name runs that revision (a rollback by name);</item>
/// <item>a failed revision never runs again: the latest ready one keeps (or goes back to) serving;</item>
/// <item>a split over two or more revisions runs the largest share as the Function's workload and every other share as
/// a workload keyed by its revision's name (<see cref="RoutePlan.Secondaries"/>); the activator splits per request.</item>
/// </list>
/// </summary>
internal static class RoutePlanner
{
    /// <param name="revisions">The Function's revisions, the latest created included, readiness as stored.</param>
    /// <param name="running">The revision the workload ran until now, if any.</param>
    public static RoutePlan Plan(
        Core.Api.Function function,
        IReadOnlyList<Revision> revisions,
        Revision latestCreated,
        Revision? running,
        Func<string, string?> tagUrl)
    {
        var readiness = revisions.ToDictionary(r => r.Metadata.Name, r => RevisionStatusBuilder.Readiness(r.Status), StringComparer.Ordinal);
        var latestReady = revisions
            .Where(r => readiness[r.Metadata.Name] == RevisionReadiness.Ready)
            .OrderByDescending(RevisionBuilder.Generation)
            .FirstOrDefault()?.Metadata.Name;
        var spec = function.Spec.Traffic;
        var resolution = TrafficResolver.Resolve(function.Metadata.Name, spec, readiness, latestReady, tagUrl);
        var byName = revisions.ToDictionary(r => r.Metadata.Name, StringComparer.Ordinal);
        var traffic = resolution.Targets is { } targets ? targets.ToList() : function.Status?.Traffic;
        var route = resolution.Route;

        // What must run to serve the spec: a latest target needs the latest created revision (so that it can turn
        // ready), a named one that revision. A failed or missing revision is never run.
        var wanted = TrafficResolution.Weights((spec is { Count: > 0 } ? spec : [new TrafficTarget { LatestRevision = true, Percent = 100 }])
                .Select(t => new TrafficTarget { RevisionName = t.LatestRevision == true ? latestCreated.Metadata.Name : t.RevisionName, Percent = t.Percent }))
            .Where(w => readiness.TryGetValue(w.Key, out var state) && state != RevisionReadiness.Failed)
            .ToList();
        Revision run;
        IReadOnlyList<Revision> secondaries = [];
        if (wanted.Count > 1)
        {
            // The largest share runs as the Function's own workload, every other share as a workload of its revision.
            var largest = wanted.MaxBy(w => w.Value).Key;
            run = byName[largest];
            secondaries = wanted.Where(w => w.Key != largest).Select(w => byName[w.Key]).ToList();
        }
        else if (wanted.Count == 1)
        {
            run = byName[wanted[0].Key];
        }
        else
        {
            // Nothing in the spec can run (missing or failed): the last ready revision keeps serving.
            run = (latestReady is not null ? byName[latestReady] : null) ?? running ?? latestCreated;
        }

        return new RoutePlan(run, latestCreated.Metadata.Name, latestReady ?? function.Status?.LatestReadyRevision, traffic, route) { Secondaries = secondaries };
    }
}
