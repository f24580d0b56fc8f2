using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Naming;

namespace Serverless.Core.Defaulting;

/// <summary>Fills what a user may leave out of a Broker. Idempotent; never overwrites a user value.</summary>
public static class BrokerDefaults
{
    public static void Apply(Broker broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        broker.Metadata ??= new V1ObjectMeta();
        if (string.IsNullOrEmpty(broker.Metadata.NamespaceProperty))
        {
            broker.Metadata.NamespaceProperty = Names.DefaultNamespace;
        }

        var spec = broker.Spec ??= new BrokerSpec();
        DestinationDefaults.Apply(spec.Delivery?.DeadLetterSink, broker.Metadata.NamespaceProperty);
    }
}
