using k8s.Models;
using Serverless.Core.Api;
using Serverless.Eventing.Reconcilers;

namespace Serverless.Eventing.Tests.Reconcilers;

public sealed class EventingStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Ingress = "http://127.0.0.1:8080";

    private static Trigger Trigger(Destination subscriber, string broker = "default") => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = "team", Name = "t", Generation = 3 },
        Spec = new TriggerSpec { Broker = broker, Subscriber = subscriber },
    };

    private static Destination Function(string name) => new() { Ref = new DestinationRef { Kind = "Function", Name = name, Namespace = "team" } };

    public static TheoryData<string, Destination, string, bool, bool, string, string, string?> Cases => new()
    {
        // label, subscriber, broker, broker exists, function exists, Ready status, reason, subscriberUri
        { "function ready", Function("hello"), "default", true, true, "True", "Ready", "http://127.0.0.1:8080/team/hello/" },
        { "uri ready without function", new Destination { Uri = "http://example.com/x" }, "default", true, false, "True", "Ready", "http://example.com/x" },
        { "missing function", Function("gone"), "default", true, false, "False", EventingStatusBuilder.SubscriberNotFound, "http://127.0.0.1:8080/team/gone/" },
        { "missing broker", Function("hello"), "orders", false, true, "False", EventingStatusBuilder.BrokerNotFound, "http://127.0.0.1:8080/team/hello/" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForTrigger_Table_SetsSubscriberUriAndReady(
        string label, Destination subscriber, string broker, bool brokerExists, bool functionExists, string ready, string reason, string? uri)
    {
        var status = EventingStatusBuilder.ForTrigger(Trigger(subscriber, broker), brokerExists, functionExists, Ingress, Now);

        var condition = status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.True(condition.Status == ready, $"{label}: {condition.Status} {condition.Reason} {condition.Message}");
        Assert.Equal(reason, condition.Reason);
        Assert.Equal(uri, status.SubscriberUri);
        Assert.Equal(3, status.ObservedGeneration);
    }

    [Fact]
    public void ForTrigger_Unchanged_IsTheSameAndKeepsTransitionTime()
    {
        var trigger = Trigger(Function("hello"));
        trigger.Status = EventingStatusBuilder.ForTrigger(trigger, true, true, Ingress, Now);

        var later = EventingStatusBuilder.ForTrigger(trigger, true, true, Ingress, Now.AddHours(1));

        Assert.True(EventingStatusBuilder.SameTrigger(trigger.Status, later));
        Assert.Equal(Now.UtcDateTime, later.Conditions![0].LastTransitionTime);
        Assert.False(EventingStatusBuilder.SameTrigger(trigger.Status, EventingStatusBuilder.ForTrigger(trigger, true, false, Ingress, Now)));
    }

    [Fact]
    public void ForBroker_SetsAddress()
    {
        var broker = new Broker { Metadata = new V1ObjectMeta { NamespaceProperty = "team", Name = "orders" } };

        var status = EventingStatusBuilder.ForBroker(broker, EventingEndpoints.SharedIngress(Ingress + "/"), Now);
        var onKubernetes = EventingStatusBuilder.ForBroker(
            broker, EventingEndpoints.BrokerOnly(new Uri("http://activator.serverless-system.svc/"), new Uri("http://broker-ingress.serverless-system.svc/")), Now);

        Assert.Equal("http://127.0.0.1:8080/brokers/team/orders", status.Address);
        Assert.Equal("http://broker-ingress.serverless-system.svc/team/orders", onKubernetes.Address);
        Assert.Equal("True", status.Conditions!.Single().Status);
    }

    [Fact]
    public void ForBroker_ClassWithoutBackend_NotReadyWithTheReason()
    {
        var broker = new Broker { Metadata = new V1ObjectMeta { NamespaceProperty = "team", Name = "orders" } };

        var status = EventingStatusBuilder.ForBroker(broker, EventingEndpoints.SharedIngress(Ingress), Now, "unknown broker class \"kafka\"");

        var ready = status.Conditions!.Single();
        Assert.Equal(("Ready", "False", EventingStatusBuilder.BrokerClassUnavailable), (ready.Type, ready.Status, ready.Reason));
        Assert.Contains("kafka", ready.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForTrigger_BrokerClassWithoutBackend_NotReadyWithTheReason()
    {
        var trigger = new Trigger
        {
            Metadata = new V1ObjectMeta { NamespaceProperty = "team", Name = "t" },
            Spec = new TriggerSpec { Broker = "orders", Subscriber = new Destination { Uri = "http://127.0.0.1:9/" } },
        };

        var status = EventingStatusBuilder.ForTrigger(trigger, true, false, Ingress, Now, "unknown broker class \"kafka\"");

        var ready = status.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal(("False", EventingStatusBuilder.BrokerClassUnavailable), (ready.Status, ready.Reason));
        Assert.Equal("broker \"orders\": unknown broker class \"kafka\"", ready.Message);
    }
}
