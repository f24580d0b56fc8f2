using Serverless.Core.Api;
using Serverless.Eventing.Ingress;
using Serverless.Eventing.Metrics;
using Serverless.Eventing.Routing;
using Serverless.Eventing.Storage;
using Serverless.Eventing.Tests.Fakes;

namespace Serverless.Eventing.Tests.Ingress;

public sealed class BrokerIngestorTests
{
    private sealed class RecordingSink : IBrokerSink
    {
        public List<NewEvent> Published { get; } = [];

        public Task PublishAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
        {
            Published.AddRange(events);
            return Task.CompletedTask;
        }
    }

    private static readonly Uri Subscriber = new("http://subscriber.test/");

    [Theory]
    [InlineData("sqlite", "sqlite")]
    [InlineData("rabbitmq", "rabbitmq")]
    public async Task Ingest_GoesToTheSinkOfTheBrokersClass(string brokerClass, string expectedSink)
    {
        var routes = new FakeRoutes();
        routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        routes.Classes["default/default"] = brokerClass;
        var sinks = new Dictionary<string, RecordingSink> { ["sqlite"] = new(), ["rabbitmq"] = new() };
        var ingestor = new BrokerIngestor(sinks.ToDictionary(s => s.Key, s => (IBrokerSink)s.Value), routes, new BrokerMetrics(Prometheus.Metrics.NewCustomRegistry()));

        await ingestor.IngestAsync("default", "default", [TestEvents.Event("e1")], CancellationToken.None);

        Assert.Equal(["default/t"], sinks[expectedSink].Published.Single().Triggers);
        Assert.Empty(sinks.Where(s => s.Key != expectedSink).SelectMany(s => s.Value.Published));
    }

    [Theory]
    [InlineData("kafka", "unknown broker class \"kafka\"")]
    [InlineData("rabbitmq", "needs broker.rabbitmq-url")]
    public async Task Ingest_ClassWithoutBackend_IsAnIOExceptionNamingIt(string brokerClass, string expected)
    {
        var routes = new FakeRoutes();
        routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        routes.Classes["default/default"] = brokerClass;
        var ingestor = new BrokerIngestor(new Dictionary<string, IBrokerSink> { ["sqlite"] = new RecordingSink() }, routes, new BrokerMetrics(Prometheus.Metrics.NewCustomRegistry()));

        var error = await Assert.ThrowsAsync<BrokerClassUnavailableException>(() => ingestor.IngestAsync("default", "default", [TestEvents.Event("e1")], CancellationToken.None));

        Assert.IsAssignableFrom<IOException>(error);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_Batch_StoresEachMatchedEventWithItsTriggersAndSkipsTheUnmatched()
    {
        var routes = new FakeRoutes();
        routes.Add("orders", new TriggerSpec { Filter = new TriggerFilter { Attributes = new Dictionary<string, string> { ["type"] = "order" } } }, Subscriber, FakeRoutes.Delivery());
        routes.Add("all", new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        routes.Add("refunds", new TriggerSpec { Filter = new TriggerFilter { Attributes = new Dictionary<string, string> { ["type"] = "refund" } } }, Subscriber, FakeRoutes.Delivery());
        var sink = new RecordingSink();
        var ingestor = new BrokerIngestor(new Dictionary<string, IBrokerSink> { ["sqlite"] = sink }, routes, new BrokerMetrics(Prometheus.Metrics.NewCustomRegistry()));

        await ingestor.IngestAsync("default", "default", [TestEvents.Event("o1", type: "order"), TestEvents.Event("p1", type: "payment"), TestEvents.Event("r1", type: "refund")], CancellationToken.None);

        Assert.Equal(
            [("o1", "default/orders,default/all"), ("p1", "default/all"), ("r1", "default/all,default/refunds")],
            sink.Published.Select(e => (e.Id, string.Join(',', e.Triggers))));
    }

    [Fact]
    public async Task Ingest_NoTriggerMatches_PublishesNothing()
    {
        var routes = new FakeRoutes();
        routes.Add("orders", new TriggerSpec { Filter = new TriggerFilter { Attributes = new Dictionary<string, string> { ["type"] = "order" } } }, Subscriber, FakeRoutes.Delivery());
        var sink = new RecordingSink();
        var ingestor = new BrokerIngestor(new Dictionary<string, IBrokerSink> { ["sqlite"] = sink }, routes, new BrokerMetrics(Prometheus.Metrics.NewCustomRegistry()));

        await ingestor.IngestAsync("default", "default", [TestEvents.Event("p1", type: "payment")], CancellationToken.None);

        Assert.Empty(sink.Published);
    }
}
