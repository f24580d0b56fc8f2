using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Events;
using Serverless.Eventing.Ingress;
using Serverless.Eventing.Metrics;
using Serverless.Eventing.RabbitMq;
using Serverless.Eventing.Routing;
using Serverless.Eventing.Tests.Fakes;
using Serverless.TestSupport;

namespace Serverless.Eventing.Tests.Contract;

/// <summary>The RabbitMQ backend on a private <see cref="RabbitMqServer"/>: confirmed publishes, one consumer per Trigger.</summary>
internal sealed class RabbitMqBackendHarness : IBackendHarness
{
    private readonly RabbitMqServer _server;
    private readonly Uri _url;
    private readonly BrokerOptions _options;
    private RabbitMqConnection _connection;
    private BrokerIngestor _ingestor;
    private RabbitMqDispatcher _dispatcher;
    private CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <param name="url">Where the backend connects, when not straight to the node (a relay in front of it).</param>
    public RabbitMqBackendHarness(RabbitMqServer server, BrokerOptions options, Uri? url = null)
    {
        _server = server;
        _url = url ?? server.Url;
        _options = options;
        Routes.DefaultClass = BrokerClasses.RabbitMq;
        Sender = new FakeSender(TimeProvider.System);
        (_connection, _ingestor, _dispatcher) = Open();
    }

    public FakeRoutes Routes { get; } = new();

    public FakeSender Sender { get; }

    public BrokerMetrics Metrics { get; } = new(Prometheus.Metrics.NewCustomRegistry());

    public RabbitMqDispatcher Dispatcher => _dispatcher;

    private (RabbitMqConnection, BrokerIngestor, RabbitMqDispatcher) Open()
    {
        var connection = new RabbitMqConnection(_url, NullLogger.Instance);
        var ingestor = new BrokerIngestor(new Dictionary<string, IBrokerSink> { [BrokerClasses.RabbitMq] = new RabbitMqBrokerSink(connection, TimeProvider.System) }, Routes, Metrics);
        var attempt = new DeliveryAttempt(Sender, ingestor, _options, Metrics, TimeProvider.System, NullLogger.Instance);
        var dispatcher = new RabbitMqDispatcher(connection, Routes, attempt, _options, Metrics, TimeProvider.System, NullLogger<RabbitMqDispatcher>.Instance);
        return (connection, ingestor, dispatcher);
    }

    public Task PublishAsync(params BrokerEvent[] events) => _ingestor.IngestAsync("default", "default", events, CancellationToken.None);

    public void Start() => _loop = Task.Run(() => _dispatcher.RunAsync(_stop.Token));

    public async Task RestartAsync()
    {
        await StopAsync();
        (_connection, _ingestor, _dispatcher) = Open();
        _stop = new CancellationTokenSource();
        Start();
    }

    public Task<long> FailedAsync(string triggerName) => CountAsync(RabbitMqNames.FailedQueue(TriggerKeys.Of("default", triggerName)));

    /// <summary>Ready and unacknowledged messages of the Trigger's queue, plus its messages waiting in delay queues.</summary>
    public async Task<long> PendingAsync(string triggerName)
    {
        // Delay queues are shared: a Trigger's waiting retries are not countable apart, so the contract tests use
        // one Trigger at a time when they count.
        var factory = new ConnectionFactory { Uri = _server.Url };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = RabbitMqNames.TriggerQueue(TriggerKeys.Of("default", triggerName));
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount + Unacknowledged();
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0; // no queue (deleted with its Trigger): nothing pending
        }
    }

    private long Unacknowledged() => Metrics.InFlight.Value > 0 ? (long)Metrics.InFlight.Value : 0;

    private async Task<long> CountAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = _server.Url };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0; // never declared: nothing failed
        }
    }

    private async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        await _connection.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
