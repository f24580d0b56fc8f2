using k8s.Models;
using Serverless.Core.Api;
using Serverless.Eventing.Routing;

namespace Serverless.Eventing.Reconcilers;

/// <summary>
/// The desired status of Triggers and Brokers. Pure: objects and what exists in, status out. A Trigger is Ready when
/// its broker exists and its subscriber resolves (a referenced Function exists; a URI always resolves); otherwise Ready
/// is False with the reason. A Broker is Ready with its ingress address.
/// </summary>
internal static class EventingStatusBuilder
{
    public const string BrokerNotFound = "BrokerDoesNotExist";
    public const string SubscriberNotFound = "SubscriberNotFound";
    public const string BrokerClassUnavailable = "BrokerClassUnavailable";

    /// <param name="functionsUrl">The function ingress, through which a Function subscriber is reached (<see cref="EventingEndpoints.FunctionsUrl"/>).</param>
    /// <param name="brokerClassProblem">Why the broker's class has no backend here (<see cref="BrokerClassAvailability.Problem"/>): Ready is False with it.</param>
    public static TriggerStatus ForTrigger(
        Trigger trigger, bool brokerExists, bool subscriberFunctionExists, string functionsUrl, DateTimeOffset now, string? brokerClassProblem = null)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var ns = trigger.Metadata.NamespaceProperty ?? "";
        var broker = trigger.Spec.Broker ?? TriggerKeys.DefaultBroker;
        var subscriber = DestinationResolver.Resolve(trigger.Spec.Subscriber, ns, functionsUrl);
        var previous = trigger.Status?.Conditions ?? [];

        var isRef = trigger.Spec.Subscriber?.Ref is not null;
        var resolved = subscriber is not null && (!isRef || subscriberFunctionExists);
        var subscriberCondition = resolved
            ? Condition(ConditionTypes.SubscriberResolved, ConditionStatus.True, "Resolved", $"events are sent to {subscriber}")
            : Condition(ConditionTypes.SubscriberResolved, ConditionStatus.False, SubscriberNotFound,
                $"the subscriber Function \"{trigger.Spec.Subscriber?.Ref?.Name}\" does not exist in namespace \"{trigger.Spec.Subscriber?.Ref?.Namespace ?? ns}\"; events are retried and then dead-lettered");
        var ready = !brokerExists
            ? Condition(ConditionTypes.Ready, ConditionStatus.False, BrokerNotFound, $"broker \"{broker}\" does not exist in namespace \"{ns}\"")
            : brokerClassProblem is not null
                ? Condition(ConditionTypes.Ready, ConditionStatus.False, BrokerClassUnavailable, $"broker \"{broker}\": {brokerClassProblem}")
                : resolved
                    ? Condition(ConditionTypes.Ready, ConditionStatus.True, "Ready", $"events of broker \"{broker}\" that match are delivered")
                    : Condition(ConditionTypes.Ready, ConditionStatus.False, subscriberCondition.Reason, subscriberCondition.Message);
        return new TriggerStatus
        {
            ObservedGeneration = trigger.Metadata.Generation,
            SubscriberUri = subscriber?.ToString(),
            Conditions = [Stamp(ready, previous, now), Stamp(subscriberCondition, previous, now)],
        };
    }

    /// <param name="endpoints">Where the broker's address points.</param>
    /// <param name="classProblem">Why the Broker's class has no backend here (<see cref="BrokerClassAvailability.Problem"/>): Ready is False with it.</param>
    public static BrokerStatus ForBroker(Broker broker, EventingEndpoints endpoints, DateTimeOffset now, string? classProblem = null)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(endpoints);
        var address = endpoints.BrokerAddress(broker.Metadata.NamespaceProperty ?? "", broker.Metadata.Name ?? "");
        return new BrokerStatus
        {
            ObservedGeneration = broker.Metadata.Generation,
            Address = address,
            Conditions =
            [
                Stamp(
                    classProblem is null
                        ? Condition(ConditionTypes.Ready, ConditionStatus.True, "Ready", $"accepting events at {address}")
                        : Condition(ConditionTypes.Ready, ConditionStatus.False, BrokerClassUnavailable, classProblem),
                    broker.Status?.Conditions ?? [],
                    now),
            ],
        };
    }

    /// <summary>Same status apart from transition times: nothing to write.</summary>
    public static bool SameTrigger(TriggerStatus? a, TriggerStatus b) =>
        a is not null && a.ObservedGeneration == b.ObservedGeneration && a.SubscriberUri == b.SubscriberUri && SameConditions(a.Conditions, b.Conditions);

    public static bool SameBroker(BrokerStatus? a, BrokerStatus b) =>
        a is not null && a.ObservedGeneration == b.ObservedGeneration && a.Address == b.Address && SameConditions(a.Conditions, b.Conditions);

    private static bool SameConditions(IList<V1Condition>? a, IList<V1Condition>? b) =>
        a is not null && b is not null && a.Count == b.Count
        && a.Zip(b).All(p => p.First.Type == p.Second.Type && p.First.Status == p.Second.Status && p.First.Reason == p.Second.Reason && p.First.Message == p.Second.Message);

    private static V1Condition Condition(string type, string status, string reason, string message) =>
        new() { Type = type, Status = status, Reason = reason, Message = message };

    private static V1Condition Stamp(V1Condition condition, IList<V1Condition> previous, DateTimeOffset now)
    {
        var old = previous.FirstOrDefault(p => p.Type == condition.Type);
        var utc = now.UtcDateTime;
        condition.LastTransitionTime = old is not null && old.Status == condition.Status && old.LastTransitionTime != default
            ? old.LastTransitionTime
            : new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        return condition;
    }
}
