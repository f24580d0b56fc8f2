using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Core.Tests.Builders;

/// <summary>Brokers built with option builders; the base object is valid.</summary>
internal static class TestBrokers
{
    public static Broker Broker(string ns, string name, params Action<Broker>[] options)
    {
        var broker = new Broker { Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name } };
        foreach (var option in options)
        {
            option(broker);
        }

        return broker;
    }

    public static Action<Broker> WithDelivery(Action<DeliverySpec> configure) =>
        b => configure(b.Spec.Delivery ??= new DeliverySpec());
}
