using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Api;
using Serverless.Core.Defaulting;
using Serverless.Hosting.Informers;
using Serverless.Eventing.Routing;
using Serverless.Eventing.Tests.Fakes;

namespace Serverless.Eventing.Tests.Routing;

public sealed class TriggerCatalogTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private TriggerCatalog _catalog = null!;

    private static Trigger Trigger(string ns, string name, string broker, Destination subscriber, DeliverySpec? delivery = null) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
        Spec = new TriggerSpec { Broker = broker, Subscriber = subscriber, Delivery = delivery },
    };

    public async Task InitializeAsync()
    {
        var triggers = new ResourceInformer<Trigger>(
            new FixedStore<Trigger>(
                Trigger("default", "to-fn", "default", new Destination { Ref = new DestinationRef { Name = "hello", Namespace = "default" } }),
                Trigger("default", "to-uri", "orders", new Destination { Uri = "http://example.com/hook" }),
                Trigger("team", "other-ns", "default", new Destination { Ref = new DestinationRef { Name = "hello", Namespace = "shared" } }, new DeliverySpec { Retry = 9 })),
            null,
            TimeProvider.System,
            NullLogger.Instance);
        var brokers = new ResourceInformer<Broker>(
            new FixedStore<Broker>(new Broker
            {
                Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "orders" },
                Spec = new BrokerSpec { Delivery = new DeliverySpec { Retry = 7, DeadLetterSink = new Destination { Uri = "http://dlq.example/" } } },
            }),
            null,
            TimeProvider.System,
            NullLogger.Instance);
        _ = triggers.RunAsync(_stop.Token);
        _ = brokers.RunAsync(_stop.Token);
        _catalog = new TriggerCatalog(triggers, brokers, "http://127.0.0.1:8080", new DeliveryDefaults());
        await _catalog.WaitForSyncAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
    }

    [Theory]
    [InlineData("default", "default", true)]
    [InlineData("anywhere", "default", true)]
    [InlineData("default", "orders", true)]
    [InlineData("team", "orders", false)]
    [InlineData("default", "missing", false)]
    public void BrokerExists_DefaultEverywhereOthersDeclared(string ns, string broker, bool expected)
    {
        Assert.Equal(expected, _catalog.BrokerExists(ns, broker));
    }

    [Fact]
    public void ForBroker_ListsTheTriggersOfThatBrokerOnly()
    {
        Assert.Equal(["default/to-fn"], _catalog.ForBroker("default", "default").Select(t => t.Key));
        Assert.Equal(["default/to-uri"], _catalog.ForBroker("default", "orders").Select(t => t.Key));
        Assert.Equal(["team/other-ns"], _catalog.ForBroker("team", "default").Select(t => t.Key));
        Assert.Empty(_catalog.ForBroker("nobody", "default"));
    }

    [Fact]
    public void Resolve_FunctionRef_GoesThroughTheActivatorWithDefaults()
    {
        var route = _catalog.Resolve("default/to-fn")!;

        Assert.Equal(new Uri("http://127.0.0.1:8080/default/hello/"), route.Subscriber);
        Assert.Equal(new DeliveryDefaults().Retry, route.Delivery.Retry);
        Assert.Null(route.DeadLetterSink);
    }

    [Fact]
    public void Resolve_TriggerWithoutDelivery_TakesTheBrokersPolicyAndSink()
    {
        var route = _catalog.Resolve("default/to-uri")!;

        Assert.Equal(new Uri("http://example.com/hook"), route.Subscriber);
        Assert.Equal(7, route.Delivery.Retry);
        Assert.Equal(new Uri("http://dlq.example/"), route.DeadLetterSink);
        Assert.Equal("orders", route.Broker);
    }

    [Fact]
    public void Resolve_RefToOtherNamespace_UsesThatNamespace()
    {
        var route = _catalog.Resolve("team/other-ns")!;

        Assert.Equal(new Uri("http://127.0.0.1:8080/shared/hello/"), route.Subscriber);
        Assert.Equal(9, route.Delivery.Retry);
    }

    [Fact]
    public void Resolve_Unknown_IsNull()
    {
        Assert.Null(_catalog.Resolve("default/gone"));
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
    }
}
