using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Naming;

namespace Serverless.Core.Defaulting;

/// <summary>
/// Fills what a user may leave out of a Trigger. Idempotent; never overwrites a user value. The delivery policy is
/// left unset on purpose: an unset one means "the broker's", see <see cref="EffectiveDelivery"/>.
/// </summary>
public static class TriggerDefaults
{
    public const string Broker = "default";

    public static void Apply(Trigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        trigger.Metadata ??= new V1ObjectMeta();
        if (string.IsNullOrEmpty(trigger.Metadata.NamespaceProperty))
        {
            trigger.Metadata.NamespaceProperty = Names.DefaultNamespace;
        }

        var spec = trigger.Spec ??= new TriggerSpec();
        if (string.IsNullOrEmpty(spec.Broker))
        {
            spec.Broker = Broker;
        }

        DestinationDefaults.Apply(spec.Subscriber, trigger.Metadata.NamespaceProperty);
        DestinationDefaults.Apply(spec.Delivery?.DeadLetterSink, trigger.Metadata.NamespaceProperty);
    }
}
