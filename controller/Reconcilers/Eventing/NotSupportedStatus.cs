using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Controller.Reconcilers.Eventing;

/// <summary>
/// The status of a Broker or Trigger the platform cannot serve in Kubernetes mode yet: Ready False, reason
/// <see cref="Reason"/>, observed at the object's generation. Pure.
/// </summary>
internal static class NotSupportedStatus
{
    public const string Reason = "NotSupported";

    /// <summary>What the condition says: the data plane is missing, and where eventing works.</summary>
    // TODO(#15): Brokers and Triggers on Kubernetes get their RabbitMQ data plane; this status goes then.
    public const string Message =
        "eventing on Kubernetes is not available yet (issue #15): Brokers and Triggers work in local mode (func up) only; this object is stored but nothing delivers its events";

    /// <summary>Whether <paramref name="conditions"/> already say so for <paramref name="generation"/> (nothing to write).</summary>
    public static bool IsCurrent(long? observedGeneration, IList<V1Condition>? conditions, long? generation) =>
        observedGeneration == generation
        && conditions is { Count: 1 } && conditions[0] is { Type: ConditionTypes.Ready, Status: ConditionStatus.False, Reason: Reason, Message: Message } ready
        && ready.ObservedGeneration == generation;

    /// <summary>The one condition, keeping the transition time of an earlier one that said the same.</summary>
    public static List<V1Condition> Conditions(IList<V1Condition>? previous, long? generation, DateTime now)
    {
        var old = previous?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        return
        [
            new V1Condition
            {
                Type = ConditionTypes.Ready,
                Status = ConditionStatus.False,
                Reason = Reason,
                Message = Message,
                ObservedGeneration = generation,
                LastTransitionTime = old is { Status: ConditionStatus.False, Reason: Reason } && old.LastTransitionTime != default
                    ? old.LastTransitionTime
                    : new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc),
            },
        ];
    }

    public static void Apply(Broker broker, DateTime now) =>
        broker.Status = new BrokerStatus
        {
            ObservedGeneration = broker.Metadata.Generation,
            Conditions = Conditions(broker.Status?.Conditions, broker.Metadata.Generation, now),
        };

    public static void Apply(Trigger trigger, DateTime now) =>
        trigger.Status = new TriggerStatus
        {
            ObservedGeneration = trigger.Metadata.Generation,
            Conditions = Conditions(trigger.Status?.Conditions, trigger.Metadata.Generation, now),
        };

    public static bool IsCurrent(Broker broker) =>
        IsCurrent(broker.Status?.ObservedGeneration, broker.Status?.Conditions, broker.Metadata.Generation) && broker.Status?.Address is null;

    public static bool IsCurrent(Trigger trigger) =>
        IsCurrent(trigger.Status?.ObservedGeneration, trigger.Status?.Conditions, trigger.Metadata.Generation) && trigger.Status?.SubscriberUri is null;
}
