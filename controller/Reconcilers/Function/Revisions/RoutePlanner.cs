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
/// a workload keyed by its revision's name (<see cref="RoutePlan.Secondaries"/>); the activator splits per request;</item>
/// <item>with a rollout duration (<see cref="RolloutInput"/>), a new latest revision starts as a workload of its own
/// beside the serving one, and once ready takes the latest-revision share in steps (<see cref="RolloutStepper"/>);
/// failing readiness on the way aborts the rollout, the share going back to the previous revision.</item>
/// </list>
/// </summary>
internal static class RoutePlanner
{
    public const string RolloutInProgress = "RolloutInProgress";
    public const string RolloutComplete = "RolloutComplete";
    public const string RolloutAborted = "RolloutAborted";

    /// <param name="revisions">The Function's revisions, the latest created included, readiness as stored.</param>
    /// <param name="running">The revision the workload ran until now, if any.</param>
    /// <param name="rollout">Gradual rollout settings and readiness; null: traffic moves at once.</param>
    public static RoutePlan Plan(
        Core.Api.Function function,
        IReadOnlyList<Revision> revisions,
        Revision latestCreated,
        Revision? running,
        Func<string, string?> tagUrl,
        RolloutInput? rollout = null)
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
        var specTargets = spec is { Count: > 0 } ? spec : [new TrafficTarget { LatestRevision = true, Percent = 100 }];
        var latestPercent = specTargets.Where(t => t.LatestRevision == true).Sum(t => t.Percent ?? 0);

        var step = rollout is null || latestPercent == 0 || latestReady is null
            ? new RolloutStep(null, null, null)
            : StepRollout(function.Status, readiness, byName, latestReady, latestPercent, rollout);
        if (step.State is { } state && resolution.Targets is not null)
        {
            traffic = RolloutStepper.Split(traffic!, state);
        }

        // A new latest revision that is not ready yet starts beside the serving one when it is to roll in gradually,
        // so that the serving instances keep serving under their own key until the steps move the traffic.
        var rollInPending = rollout is { Duration.Ticks: > 0 } && latestPercent > 0 && latestReady is not null
            && readiness[latestCreated.Metadata.Name] == RevisionReadiness.Pending
            && RevisionBuilder.Generation(latestCreated) > RevisionBuilder.Generation(byName[latestReady]);

        // What must run to serve the spec: a latest target needs the latest created revision (so that it can turn
        // ready), a named one that revision; during a rollout both of its revisions. A failed or missing revision is
        // never run.
        var latestName = step.State?.RevisionName ?? (rollInPending ? latestReady! : latestCreated.Metadata.Name);
        IEnumerable<TrafficTarget> wantedTargets = specTargets.Select(t => t.LatestRevision == true
            ? new TrafficTarget { RevisionName = latestName, LatestRevision = true, Percent = t.Percent }
            : new TrafficTarget { RevisionName = t.RevisionName, Percent = t.Percent });
        if (step.State is { } rolling)
        {
            // In status.traffic's order, so that the activator takes the same main revision (the first largest share).
            wantedTargets = RolloutStepper.Split(wantedTargets, rolling);
        }

        // A spec naming a revision that does not exist or failed leaves the previous split in force (status.traffic,
        // as Knative's route keeps its last good traffic): the workloads keep running exactly that split, or the
        // activator would send its shares to instances of other revisions.
        if (resolution.Targets is null && route.Status == ConditionStatus.False && function.Status?.Traffic is { Count: > 0 } kept)
        {
            wantedTargets = kept;
        }

        var wanted = TrafficResolution.Weights(wantedTargets)
            .Where(w => readiness.TryGetValue(w.Key, out var state) && state != RevisionReadiness.Failed)
            .ToList();
        Revision run;
        List<Revision> secondaries = [];
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

        if (rollInPending && !ReferenceEquals(run, latestCreated) && !secondaries.Contains(latestCreated))
        {
            secondaries.Add(latestCreated);
        }

        // Tagged revisions without a share run as workloads of their own, at zero until their tag's URL is called.
        var tagOnly = (traffic ?? [])
            .Where(t => t.Tag is not null && t.RevisionName is { } name && byName.ContainsKey(name) && readiness[name] != RevisionReadiness.Failed)
            .Select(t => byName[t.RevisionName!])
            .Where(r => !ReferenceEquals(r, run) && !secondaries.Contains(r))
            .Distinct()
            .ToList();

        return new RoutePlan(run, latestCreated.Metadata.Name, latestReady ?? function.Status?.LatestReadyRevision, traffic, route)
        {
            Secondaries = secondaries,
            TagOnly = tagOnly,
            Rollout = step.State,
            RolloutCondition = step.Condition,
            RequeueAfter = step.Wait,
        };
    }

    /// <summary>Starts, steps, finishes or aborts the rollout of the latest ready revision.</summary>
    private static RolloutStep StepRollout(
        FunctionStatus? status,
        Dictionary<string, RevisionReadiness> readiness,
        Dictionary<string, Revision> byName,
        string latestReady,
        int latestPercent,
        RolloutInput input)
    {
        var current = status?.Rollout;
        var previousReady = status?.LatestReadyRevision;
        if (current is not null && readiness.GetValueOrDefault(current.RevisionName) == RevisionReadiness.Failed)
        {
            // Its instances failed readiness: latestReady has fallen back already, so the share goes back at once.
            return new RolloutStep(null, new RouteState(
                ConditionStatus.False,
                RolloutAborted,
                $"Revision \"{current.RevisionName}\" failed readiness at {current.Percent}% of the traffic: its rollout was aborted and the traffic is back on \"{latestReady}\"."), null);
        }

        if (current is not null && current.RevisionName != latestReady)
        {
            // A newer revision turned ready mid-rollout (or the rolling one went away): it rolls in from whichever of
            // the two had the larger share.
            var from = current.Percent * 2 > current.TargetPercent ? current.RevisionName : current.PreviousRevisionName;
            current = null;
            previousReady = from;
        }

        if (current is null)
        {
            if (input.Duration <= TimeSpan.Zero || previousReady is null || previousReady == latestReady
                || !byName.TryGetValue(previousReady, out var previous) || readiness[previousReady] != RevisionReadiness.Ready
                || RevisionBuilder.Generation(byName[latestReady]) <= RevisionBuilder.Generation(previous))
            {
                return new RolloutStep(null, null, null);
            }

            current = RolloutStepper.Start(latestReady, previousReady, latestPercent, input.Duration, input.Now);
            if (current.Percent >= current.TargetPercent)
            {
                return new RolloutStep(null, Complete(current), null);
            }

            return new RolloutStep(current, InProgress(current), TimeSpan.FromMilliseconds(current.StepIntervalMilliseconds));
        }

        if (current.TargetPercent != latestPercent)
        {
            // The latest-revision share was edited mid-rollout: the steps go on toward the new total.
            current = new RolloutStatus
            {
                RevisionName = current.RevisionName,
                PreviousRevisionName = current.PreviousRevisionName,
                Percent = Math.Min(current.Percent, latestPercent),
                TargetPercent = latestPercent,
                StepPercent = current.StepPercent,
                StepIntervalMilliseconds = current.StepIntervalMilliseconds,
                LastStepTime = current.LastStepTime,
            };
        }

        var (next, wait) = RolloutStepper.Next(current, input.ReadyForShare(current.RevisionName), input.Now);
        if (next.Percent >= next.TargetPercent)
        {
            return new RolloutStep(null, Complete(next), null);
        }

        return new RolloutStep(next, InProgress(next), wait);
    }

    private static RouteState InProgress(RolloutStatus state) => new(
        ConditionStatus.Unknown,
        RolloutInProgress,
        $"Revision \"{state.RevisionName}\" has {state.Percent}% of the traffic, \"{state.PreviousRevisionName}\" {state.TargetPercent - state.Percent}%: steps of {state.StepPercent}% every {state.StepIntervalMilliseconds} ms until {state.TargetPercent}%.");

    private static RouteState Complete(RolloutStatus state) => new(
        ConditionStatus.True,
        RolloutComplete,
        $"Revision \"{state.RevisionName}\" has {state.TargetPercent}% of the traffic (rolled out from \"{state.PreviousRevisionName}\").");

    private sealed record RolloutStep(RolloutStatus? State, RouteState? Condition, TimeSpan? Wait);
}
