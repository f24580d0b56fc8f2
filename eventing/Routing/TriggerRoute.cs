using Serverless.Core.Defaulting;

namespace Serverless.Eventing.Routing;

/// <summary>Where and how one Trigger's deliveries go, every default resolved.</summary>
internal sealed record TriggerRoute(
    string Key,
    string Namespace,
    string Broker,
    Uri Subscriber,
    Uri? DeadLetterSink,
    EffectiveDelivery Delivery);
