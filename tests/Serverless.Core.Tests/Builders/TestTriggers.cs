using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Core.Tests.Builders;

/// <summary>Triggers built with option builders; the base object is valid and subscribes Function "hello".</summary>
internal static class TestTriggers
{
    public static Trigger Trigger(string ns, string name, params Action<Trigger>[] options)
    {
        var trigger = new Trigger
        {
            Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
            Spec = new TriggerSpec
            {
                Broker = "default",
                Subscriber = new Destination { Ref = FunctionRef("hello", ns) },
            },
        };

        foreach (var option in options)
        {
            option(trigger);
        }

        return trigger;
    }

    public static DestinationRef FunctionRef(string? name, string? ns) => new()
    {
        Kind = Function.KindName,
        ApiVersion = ApiGroup.ApiVersion,
        Name = name,
        Namespace = ns,
    };

    public static Action<Trigger> WithBroker(string? broker) => t => t.Spec.Broker = broker;

    public static Action<Trigger> WithFilter(string attribute, string value) =>
        t => ((t.Spec.Filter ??= new TriggerFilter()).Attributes ??= new Dictionary<string, string>())[attribute] = value;

    public static Action<Trigger> WithFilters(params SubscriptionsApiFilter[] filters) => t => t.Spec.Filters = filters.ToList();

    public static SubscriptionsApiFilter Exact(string attribute, string value) => new() { Exact = new Dictionary<string, string> { [attribute] = value } };

    public static SubscriptionsApiFilter Prefix(string attribute, string value) => new() { Prefix = new Dictionary<string, string> { [attribute] = value } };

    public static SubscriptionsApiFilter Suffix(string attribute, string value) => new() { Suffix = new Dictionary<string, string> { [attribute] = value } };

    public static Action<Trigger> WithSubscriber(Destination? subscriber) => t => t.Spec.Subscriber = subscriber;

    public static Action<Trigger> WithSubscriberUri(string uri) => t => t.Spec.Subscriber = new Destination { Uri = uri };

    public static Action<Trigger> WithSubscriberRef(DestinationRef reference) =>
        t => t.Spec.Subscriber = new Destination { Ref = reference };

    public static Action<Trigger> WithDelivery(Action<DeliverySpec> configure) =>
        t => configure(t.Spec.Delivery ??= new DeliverySpec());
}
