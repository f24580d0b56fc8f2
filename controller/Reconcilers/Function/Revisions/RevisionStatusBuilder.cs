using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Traffic;

namespace Serverless.Controller.Reconcilers.Function.Revisions;

/// <summary>
/// A Revision's status, pure. <c>Ready</c> comes from the workload while the revision is the one running, and is kept
/// as it was while it is not (a revision that served once stays Ready at zero, as in Knative); <c>Active</c> says
/// whether it is routed.
/// </summary>
internal static class RevisionStatusBuilder
{
    public const string Active = "Active";

    /// <param name="observed">The workload's status when it runs this revision, else null.</param>
    public static RevisionStatus Build(Revision revision, WorkloadStatus? observed, int percent, bool tagged, DateTime now)
    {
        var previous = revision.Status?.Conditions ?? [];
        var old = previous.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        var wasReady = old?.Status == ConditionStatus.True;
        V1Condition ready = observed switch
        {
            { Failure: { } failure } => Condition(ConditionTypes.Ready, ConditionStatus.False, failure.Reason.ToString(), failure.Message),
            { ReadyReplicas: > 0 } => Condition(ConditionTypes.Ready, ConditionStatus.True, "InstancesReady", $"{observed.ReadyReplicas} of {observed.DesiredReplicas} instances ready"),
            { DesiredReplicas: 0 } => Condition(ConditionTypes.Ready, ConditionStatus.True, "ScaledToZero", "no instance is running; the first request starts one"),
            not null when wasReady => Copy(old!),
            not null => Condition(ConditionTypes.Ready, ConditionStatus.Unknown, "Deploying", $"waiting for instances to become ready (0 of {observed.DesiredReplicas})"),
            null when old is not null => Copy(old),
            null => Condition(ConditionTypes.Ready, ConditionStatus.Unknown, "NotRunning", "no traffic has been sent to this revision yet"),
        };
        var routed = percent > 0 || tagged;
        var active = routed
            ? Condition(Active, ConditionStatus.True, "Routed", tagged && percent == 0 ? "reachable through its tag" : $"{percent}% of the traffic")
            : Condition(Active, ConditionStatus.False, "NoTraffic", "no traffic is routed to this revision");
        return new RevisionStatus
        {
            ObservedGeneration = revision.Metadata.Generation,
            Conditions = [Stamp(ready, previous, now, revision.Metadata.Generation), Stamp(active, previous, now, revision.Metadata.Generation)],
            Replicas = observed?.Replicas ?? 0,
            ReadyReplicas = observed?.ReadyReplicas ?? 0,
            TrafficPercent = percent,
        };
    }

    /// <summary>What traffic resolution reads of a stored status.</summary>
    public static RevisionReadiness Readiness(RevisionStatus? status) =>
        status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status switch
        {
            ConditionStatus.True => RevisionReadiness.Ready,
            ConditionStatus.False => RevisionReadiness.Failed,
            _ => RevisionReadiness.Pending,
        };

    private static V1Condition Copy(V1Condition c) => Condition(c.Type, c.Status, c.Reason, c.Message);

    private static V1Condition Condition(string type, string status, string reason, string message) =>
        new() { Type = type, Status = status, Reason = reason, Message = message };

    private static V1Condition Stamp(V1Condition condition, IList<V1Condition> previous, DateTime now, long? generation)
    {
        condition.ObservedGeneration = generation;
        var old = previous.FirstOrDefault(p => p.Type == condition.Type);
        condition.LastTransitionTime = old is not null && old.Status == condition.Status && old.LastTransitionTime != default
            ? old.LastTransitionTime
            : new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        return condition;
    }
}
