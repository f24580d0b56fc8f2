using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Contracts;

using Serverless.Controller.Reconcilers.Function.Revisions;

namespace Serverless.Controller.Reconcilers.Function.Resources;

/// <summary>
/// Computes a Function's status from what the backend observes. Pure: the same inputs give the
/// same status, and a condition keeps its lastTransitionTime while its status does not change,
/// so an unchanged world produces an identical status and no write. Every condition carries the
/// generation it was computed for (its own <c>observedGeneration</c>).
/// </summary>
internal static class FunctionStatusBuilder
{
    /// <param name="instances">The instances of all the Function's revisions together, when it has Revisions; else the workload's count.</param>
    public static FunctionStatus Build(
        Core.Api.Function function,
        string revision,
        WorkloadStatus? workload,
        string? url,
        DateTime now,
        RoutePlan? plan = null,
        (int Replicas, int Ready)? instances = null)
    {
        var previous = function.Status?.Conditions ?? [];
        var workloadReady = WorkloadCondition(workload);
        var routeReady = plan is { Route.Status: not ConditionStatus.True } && url is not null
            ? Condition(ConditionTypes.RouteReady, plan.Route.Status, plan.Route.Reason, plan.Route.Message)
            : RouteCondition(url);
        var ready = Aggregate(workloadReady, routeReady);
        var generation = function.Metadata.Generation;
        List<V1Condition> conditions =
        [
            Stamp(ready, previous, now, generation),
            Stamp(workloadReady, previous, now, generation),
            Stamp(routeReady, previous, now, generation),
        ];

        // Informational, outside Ready: a gradual rollout's progress, kept as it was while no rollout moves.
        if (plan?.RolloutCondition is { } rollout)
        {
            conditions.Add(Stamp(Condition(ConditionTypes.Rollout, rollout.Status, rollout.Reason, rollout.Message), previous, now, generation));
        }
        else if (previous.FirstOrDefault(c => c.Type == ConditionTypes.Rollout) is { } kept)
        {
            conditions.Add(kept);
        }

        // Informational, outside Ready: a function whose limits cannot be enforced here still runs, and says so.
        if (workload?.Resources is { } resources)
        {
            var status = resources.Enforced ? ConditionStatus.True : ConditionStatus.False;
            conditions.Add(Stamp(Condition(ConditionTypes.ResourcesEnforced, status, resources.Reason, resources.Message), previous, now, generation));
        }

        return new FunctionStatus
        {
            ObservedGeneration = function.Metadata.Generation,
            Conditions = conditions,
            Url = url,
            // With Revisions, every revision's instances (a split's, a tag's, one kept for its grace): what kubectl get fn
            // users count as the Function's; WorkloadReady still speaks of the main revision's workload.
            Replicas = instances?.Replicas ?? workload?.Replicas ?? 0,
            ReadyReplicas = instances?.Ready ?? workload?.ReadyReplicas ?? 0,
            LatestRevision = revision,
            LatestCreatedRevision = plan?.LatestCreated,
            LatestReadyRevision = plan?.LatestReady,
            Traffic = plan?.Traffic,
            Rollout = plan?.Rollout,
        };
    }

    /// <summary>
    /// The status of a pass that could not make the workload what the spec says (<paramref name="reason"/>, e.g.
    /// <c>NotOwned</c> or <c>ReconcileFailed</c>): WorkloadReady and Ready False with the reason and message; the route is
    /// as it is; the revision stays the one last run, since the new one did not roll out.
    /// </summary>
    public static FunctionStatus Failed(Core.Api.Function function, string reason, string message, WorkloadStatus? workload, string? url, DateTime now)
    {
        var previous = function.Status?.Conditions ?? [];
        var workloadReady = Condition(ConditionTypes.WorkloadReady, ConditionStatus.False, reason, message);
        var routeReady = RouteCondition(url);
        return new FunctionStatus
        {
            ObservedGeneration = function.Metadata.Generation,
            Conditions =
            [
                Stamp(Aggregate(workloadReady, routeReady), previous, now, function.Metadata.Generation),
                Stamp(workloadReady, previous, now, function.Metadata.Generation),
                Stamp(routeReady, previous, now, function.Metadata.Generation),
            ],
            Url = url,
            Replicas = workload?.Replicas ?? function.Status?.Replicas ?? 0,
            ReadyReplicas = workload?.ReadyReplicas ?? function.Status?.ReadyReplicas ?? 0,
            LatestRevision = function.Status?.LatestRevision,
            LatestCreatedRevision = function.Status?.LatestCreatedRevision,
            LatestReadyRevision = function.Status?.LatestReadyRevision,
            Traffic = function.Status?.Traffic,
            FunctionKeyRevision = function.Status?.FunctionKeyRevision,
            Rollout = function.Status?.Rollout,
        };
    }

    /// <summary>A status written with an invalid spec: nothing runs until the spec is fixed.</summary>
    public static FunctionStatus Invalid(Core.Api.Function function, string message, DateTime now)
    {
        var previous = function.Status?.Conditions ?? [];
        var workload = Condition(ConditionTypes.WorkloadReady, ConditionStatus.False, "InvalidSpec", message);
        return new FunctionStatus
        {
            ObservedGeneration = function.Metadata.Generation,
            Conditions =
            [
                Stamp(Condition(ConditionTypes.Ready, ConditionStatus.False, "InvalidSpec", message), previous, now, function.Metadata.Generation),
                Stamp(workload, previous, now, function.Metadata.Generation),
                Stamp(Condition(ConditionTypes.RouteReady, ConditionStatus.Unknown, "InvalidSpec", message), previous, now, function.Metadata.Generation),
            ],
            Url = function.Status?.Url,
            Replicas = function.Status?.Replicas ?? 0,
            ReadyReplicas = function.Status?.ReadyReplicas ?? 0,
            LatestRevision = function.Status?.LatestRevision,
            LatestCreatedRevision = function.Status?.LatestCreatedRevision,
            LatestReadyRevision = function.Status?.LatestReadyRevision,
            Traffic = function.Status?.Traffic,
            FunctionKeyRevision = function.Status?.FunctionKeyRevision,
            Rollout = function.Status?.Rollout,
        };
    }

    private static V1Condition RouteCondition(string? url) => url is null
        ? Condition(ConditionTypes.RouteReady, ConditionStatus.Unknown, "RouteNotConfigured", "the ingress address is not known yet")
        : Condition(ConditionTypes.RouteReady, ConditionStatus.True, "RouteConfigured", "requests to " + url + " reach the function");

    private static V1Condition WorkloadCondition(WorkloadStatus? workload) => workload switch
    {
        null => Condition(ConditionTypes.WorkloadReady, ConditionStatus.Unknown, "Deploying", "the workload is being created"),
        { Failure: { } failure } => Condition(ConditionTypes.WorkloadReady, ConditionStatus.False, failure.Reason.ToString(), failure.Message),
        { ReadyReplicas: > 0 } => Condition(
            ConditionTypes.WorkloadReady,
            ConditionStatus.True,
            "InstancesReady",
            $"{workload.ReadyReplicas} of {workload.DesiredReplicas} instances ready"),
        { DesiredReplicas: 0 } => Condition(
            ConditionTypes.WorkloadReady,
            ConditionStatus.True,
            "ScaledToZero",
            "no instance is running; the first request starts one"),
        _ => Condition(
            ConditionTypes.WorkloadReady,
            ConditionStatus.Unknown,
            "Deploying",
            $"waiting for instances to become ready (0 of {workload.DesiredReplicas})"),
    };

    /// <summary>Ready is False if any part is False, True if all are True, else Unknown; it carries the deciding part's reason.</summary>
    private static V1Condition Aggregate(params V1Condition[] parts)
    {
        var deciding = parts.FirstOrDefault(p => p.Status == ConditionStatus.False)
            ?? parts.FirstOrDefault(p => p.Status == ConditionStatus.Unknown);
        return deciding is null
            ? Condition(ConditionTypes.Ready, ConditionStatus.True, "Ready", "the function is serving")
            : Condition(ConditionTypes.Ready, deciding.Status, deciding.Reason, deciding.Message);
    }

    private static V1Condition Condition(string type, string status, string reason, string message) =>
        new() { Type = type, Status = status, Reason = reason, Message = message };

    private static V1Condition Stamp(V1Condition condition, IList<V1Condition> previous, DateTime now, long? generation)
    {
        condition.ObservedGeneration = generation;
        var old = previous.FirstOrDefault(p => p.Type == condition.Type);
        // Kubernetes timestamps have whole seconds; keeping the old time while the status holds
        // makes an unchanged world produce an identical status.
        condition.LastTransitionTime = old is not null && old.Status == condition.Status && old.LastTransitionTime != default
            ? old.LastTransitionTime
            : new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        return condition;
    }
}
