using Serverless.Core.Api;
using Serverless.Core.Defaulting;
using Serverless.Core.Serialization;
using Serverless.Core.Tests.Builders;
using static Serverless.Core.Tests.Builders.TestBrokers;

namespace Serverless.Core.Tests.Defaulting;

public sealed class BrokerDefaultsTests
{
    [Fact]
    public void Apply_EmptyNamespace_IsDefault()
    {
        var broker = TestBrokers.Broker("", "default");

        BrokerDefaults.Apply(broker);

        Assert.Equal("default", broker.Metadata.NamespaceProperty);
        Assert.Null(broker.Spec.Delivery);
    }

    [Fact]
    public void Apply_DeadLetterRef_GetsKindApiVersionAndBrokerNamespace()
    {
        var broker = TestBrokers.Broker("team-a", "default", WithDelivery(d =>
            d.DeadLetterSink = new Destination { Ref = new DestinationRef { Name = "dlq" } }));

        BrokerDefaults.Apply(broker);

        var reference = broker.Spec.Delivery!.DeadLetterSink!.Ref!;
        Assert.Equal(("Function", "serverless.dev/v1alpha1", "team-a"), (reference.Kind, reference.ApiVersion, reference.Namespace));
    }

    [Fact]
    public void Apply_Twice_IsIdempotent()
    {
        var broker = TestBrokers.Broker("", "default", WithDelivery(d => d.Retry = 2));
        BrokerDefaults.Apply(broker);
        var once = ResourceJson.Serialize(broker);

        BrokerDefaults.Apply(broker);

        Assert.Equal(once, ResourceJson.Serialize(broker));
    }
}
