using Microsoft.Extensions.Logging;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Metrics;
using Serverless.Eventing.Routing;

namespace Serverless.Eventing.RabbitMq;

/// <summary>
/// Delivers the events of <c>rabbitmq</c>-class Brokers: keeps one <see cref="RabbitMqTriggerConsumer"/> per Trigger of
/// such a Broker, declares its queue before consuming, and deletes the queue of a deleted Trigger. RabbitMQ pushes the
/// deliveries; this loop only follows the Triggers (every <c>poll-interval</c>) and restarts consumers RabbitMQ closed.
/// </summary>
internal sealed partial class RabbitMqDispatcher
{
    private readonly RabbitMqConnection _connection;
    private readonly ITriggerRoutes _routes;
    private readonly DeliveryAttempt _attempt;
    private readonly BrokerOptions _options;
    private readonly BrokerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly Dictionary<string, RabbitMqTriggerConsumer> _consumers = new(StringComparer.Ordinal);
    private bool _failing;

    public RabbitMqDispatcher(
        RabbitMqConnection connection,
        ITriggerRoutes routes,
        DeliveryAttempt attempt,
        BrokerOptions options,
        BrokerMetrics metrics,
        TimeProvider time,
        ILogger<RabbitMqDispatcher> logger)
    {
        _connection = connection;
        _routes = routes;
        _attempt = attempt;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
    }

    /// <summary>Triggers being consumed (for tests).</summary>
    internal int Consumers => _consumers.Count;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _routes.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await ReconcileAsync(cancellationToken).ConfigureAwait(false);
                    _failing = false;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (!_failing)
                    {
                        // Once per outage: the connection's own messages say when it is back.
                        LogConsumersFailed(_logger, e.Message);
                        _failing = true;
                    }
                }

                await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await Task.WhenAll(_consumers.Values.Select(c => c.StopAsync())).ConfigureAwait(false);
            _consumers.Clear();
        }
    }

    /// <summary>One pass: a consumer for every Trigger of a rabbitmq-class Broker, none for a Trigger that is gone.</summary>
    internal async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        // Connected from the start, not at the first event: a wrong URL or an unreachable RabbitMQ shows in the log at once.
        await _connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var keys = _routes.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var (key, consumer) in _consumers.ToList())
        {
            var gone = !keys.Contains(key);
            if (gone || !consumer.IsHealthy)
            {
                _consumers.Remove(key);
                await consumer.StopAsync().ConfigureAwait(false);
                if (!gone)
                {
                    // RabbitMQ closed the consumer's channel: most likely its queue was deleted; declare it again.
                    _connection.ForgetDeclarations();
                }

                if (gone)
                {
                    await _connection.DeleteTriggerAsync(key, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        foreach (var key in keys)
        {
            if (_consumers.ContainsKey(key) || _routes.Resolve(key) is not { } route
                || _routes.BrokerClassOf(route.Namespace, route.Broker) != BrokerClasses.RabbitMq)
            {
                continue;
            }

            await _connection.EnsureTriggerAsync(route.Namespace, route.Broker, key, cancellationToken).ConfigureAwait(false);
            var consumer = new RabbitMqTriggerConsumer(key, _connection, _routes, _attempt, _slots, _options, _metrics, _time, _logger);
            await consumer.StartAsync(cancellationToken).ConfigureAwait(false);
            _consumers[key] = consumer;
        }
    }

    [LoggerMessage(EventId = EventingEventIds.RabbitMqConsumerFailed, Level = LogLevel.Warning, Message = "Following the Triggers of RabbitMQ brokers failed ({Error}); trying again")]
    private static partial void LogConsumersFailed(ILogger logger, string error);
}
