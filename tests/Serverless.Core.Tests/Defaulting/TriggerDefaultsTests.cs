using Serverless.Core.Api;
using Serverless.Core.Defaulting;
using Serverless.Core.Serialization;
using Serverless.Core.Tests.Builders;
using Serverless.Core.Validation;
using static Serverless.Core.Tests.Builders.TestTriggers;

namespace Serverless.Core.Tests.Defaulting;

public sealed class TriggerDefaultsTests
{
    [Fact]
    public void Apply_BareTrigger_FillsBrokerNamespaceAndRefs()
    {
        var trigger = TestTriggers.Trigger(
            "",
            "orders",
            WithBroker(null),
            WithSubscriberRef(new DestinationRef { Name = "hello" }),
            WithDelivery(d => d.DeadLetterSink = new Destination { Ref = new DestinationRef { Name = "dlq" } }));

        TriggerDefaults.Apply(trigger);

        Assert.Equal("default", trigger.Metadata.NamespaceProperty);
        Assert.Equal("default", trigger.Spec.Broker);
        foreach (var reference in new[] { trigger.Spec.Subscriber!.Ref!, trigger.Spec.Delivery!.DeadLetterSink!.Ref! })
        {
            Assert.Equal("Function", reference.Kind);
            Assert.Equal("serverless.dev/v1alpha1", reference.ApiVersion);
            Assert.Equal("default", reference.Namespace);
        }

        Assert.Empty(TriggerValidator.Validate(trigger));
    }

    [Fact]
    public void Apply_RefNamespace_DefaultsToTheTriggersNamespace()
    {
        var trigger = TestTriggers.Trigger("team-a", "orders", WithSubscriberRef(new DestinationRef { Name = "hello" }));

        TriggerDefaults.Apply(trigger);

        Assert.Equal("team-a", trigger.Spec.Subscriber!.Ref!.Namespace);
    }

    [Fact]
    public void Apply_LeavesDeliveryPolicyUnset_SoTheBrokersApplies()
    {
        var trigger = TestTriggers.Trigger("default", "orders");

        TriggerDefaults.Apply(trigger);

        Assert.Null(trigger.Spec.Delivery);
    }

    [Fact]
    public void Apply_UserValues_AreKeptAndApplyIsIdempotent()
    {
        var trigger = TestTriggers.Trigger(
            "team-a",
            "orders",
            WithBroker("events"),
            WithSubscriberRef(new DestinationRef { Kind = "Other", ApiVersion = "x/v1", Name = "hello", Namespace = "team-b" }),
            WithSubscriberUri("http://example.com/"));
        var before = ResourceJson.Serialize(trigger);

        TriggerDefaults.Apply(trigger);
        TriggerDefaults.Apply(trigger);

        Assert.Equal(before, ResourceJson.Serialize(trigger));
    }
}
