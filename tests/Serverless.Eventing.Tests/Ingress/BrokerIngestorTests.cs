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
}
