using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Metrics;
using Serverless.Eventing.Routing;
using Serverless.Eventing.Storage;

namespace Serverless.Eventing.RabbitMq;

/// <summary>
/// Consumes one Trigger's queue on a channel of its own. The channel's prefetch (<c>trigger-concurrency</c>) bounds the
/// deliveries in flight for the Trigger, and a slot of <c>max-in-flight</c> bounds them overall. Each delivery runs
/// through <see cref="DeliveryAttempt"/>; its verdict is recorded before the ack: a retry is published to the delay
/// queue of its wait, a dead letter or a failure to its queue, and only then is the message acknowledged. A crash or a
/// lost channel before the ack leaves the message unacknowledged, and RabbitMQ delivers it again (at least once).
/// </summary>
internal sealed partial class RabbitMqTriggerConsumer
{
    private readonly string _key;
    private readonly RabbitMqConnection _connection;
    private readonly ITriggerRoutes _routes;
    private readonly DeliveryAttempt _attempt;
    private readonly SemaphoreSlim _slots;
    private readonly BrokerOptions _options;
    private readonly BrokerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<ulong, Task> _running = new();
    private IChannel? _channel;
    private AsyncEventingBasicConsumer? _consumer;

    public RabbitMqTriggerConsumer(
        string key,
        RabbitMqConnection connection,
        ITriggerRoutes routes,
        DeliveryAttempt attempt,
        SemaphoreSlim slots,
        BrokerOptions options,
        BrokerMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        _key = key;
        _connection = connection;
        _routes = routes;
        _attempt = attempt;
        _slots = slots;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// False once RabbitMQ cancelled the consumer (its queue was deleted) or closed its channel: the dispatcher starts
    /// another. While the connection is down the client's recovery owns both, so they count as healthy.
    /// </summary>
    public bool IsHealthy => (_channel is { IsOpen: true } && _consumer is { IsRunning: true }) || !_connection.IsOpen;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var prefetch = (ushort)Math.Min(_options.TriggerConcurrency, ushort.MaxValue);
        _channel = await _connection.CreateConsumerChannelAsync(prefetch, cancellationToken).ConfigureAwait(false);
        var consumer = _consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += OnReceivedAsync;
        await _channel.BasicConsumeAsync(RabbitMqNames.TriggerQueue(_key), autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
    }

    private Task OnReceivedAsync(object sender, BasicDeliverEventArgs args)
    {
        // The client reuses the body's buffer once the handler returns: the delivery keeps a copy.
        var state = RabbitMqHeaders.Read(args.BasicProperties, args.Body.ToArray());
        var tag = args.DeliveryTag;
        var channel = _channel!;
        var task = Task.Run(() => HandleAsync(channel, tag, state), CancellationToken.None);
        _running[tag] = task;
        _ = task.ContinueWith(t => _running.TryRemove(new KeyValuePair<ulong, Task>(tag, t)), TaskScheduler.Default);
        return Task.CompletedTask;
    }

    private async Task HandleAsync(IChannel channel, ulong tag, DeliveryState state)
    {
        var token = _stopping.Token;
        try
        {
            await _slots.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        _metrics.InFlight.Inc();
        try
        {
            var route = _routes.Resolve(_key);
            if (route is null)
            {
                // The Trigger was deleted: its deliveries have no subscriber any more (as in Knative); its queue goes next.
                await AckAsync(channel, tag).ConfigureAwait(false);
                return;
            }

            var verdict = await _attempt.RunAsync(state, route, token).ConfigureAwait(false);
            await RecordAsync(route, state, verdict, token).ConfigureAwait(false);
            await AckAsync(channel, tag).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping: not acknowledged, so RabbitMQ delivers it again when the channel closes.
        }
        catch (Exception e)
        {
            LogRecordFailed(_logger, _key, e.Message);
            try
            {
                // Not at once: RabbitMQ is likely away, and an immediate redelivery would spin.
                await Task.Delay(_options.PollInterval, _time, token).ConfigureAwait(false);
                using var timeout = new CancellationTokenSource(RabbitMqConnection.OperationTimeout);
                await channel.BasicNackAsync(tag, false, requeue: true, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The channel is gone or we are stopping: RabbitMQ requeues every unacknowledged message of a closed channel.
            }
        }
        finally
        {
            _metrics.InFlight.Dec();
            _slots.Release();
        }
    }

    private static async Task AckAsync(IChannel channel, ulong tag)
    {
        // Bounded: on a channel in recovery the ack may never be written; the message is then delivered again.
        using var timeout = new CancellationTokenSource(RabbitMqConnection.OperationTimeout);
        await channel.BasicAckAsync(tag, false, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Sends the delivery on with its new state; the caller acks only after this returned.</summary>
    private async Task RecordAsync(TriggerRoute route, DeliveryState state, DeliveryVerdict verdict, CancellationToken cancellationToken)
    {
        var decision = verdict.Decision;
        var queue = RabbitMqNames.TriggerQueue(route.Key);
        switch (decision.Kind)
        {
            case DecisionKind.Done:
                return;
            case DecisionKind.Retry:
                var wait = decision.NextAttempt - _time.GetUtcNow();
                if (wait <= TimeSpan.Zero)
                {
                    await _connection.PublishAsync("", queue, RabbitMqHeaders.Next(state.ReceivedAt, decision.Phase, decision.Attempts, verdict.Code, verdict.Error), state.Payload, cancellationToken).ConfigureAwait(false);
                    return;
                }

                var bucket = RabbitMqNames.Bucket(wait);
                await _connection.EnsureDelayQueueAsync(bucket, cancellationToken).ConfigureAwait(false);
                await _connection.PublishAsync(RabbitMqNames.DelayExchange, queue, RabbitMqHeaders.Next(state.ReceivedAt, decision.Phase, decision.Attempts, verdict.Code, verdict.Error, bucket), state.Payload, cancellationToken).ConfigureAwait(false);
                return;
            case DecisionKind.DeadLetter:
                await _connection.PublishAsync("", queue, RabbitMqHeaders.Next(state.ReceivedAt, DeliveryPhase.DeadLetter, decision.Attempts, verdict.Code, verdict.Error), state.Payload, cancellationToken).ConfigureAwait(false);
                return;
            case DecisionKind.Fail:
                await _connection.PublishAsync("", RabbitMqNames.FailedQueue(route.Key), RabbitMqHeaders.Next(state.ReceivedAt, DeliveryPhase.Failed, decision.Attempts, verdict.Code, verdict.Error), state.Payload, cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>Stops consuming: deliveries in flight end unacknowledged (delivered again), then the channel closes.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Values).ConfigureAwait(false);
        if (_channel is { } channel)
        {
            // Bounded as the connection's close is: the client's channel dispose waits out its 20 s continuation
            // timeout when the node stopped answering. An abandoned close finishes in the background, and the
            // connection's own close (which logs it) follows at once.
            await CloseAsync(channel).WaitAsync(RabbitMqConnection.CloseTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    private static async Task CloseAsync(IChannel channel)
    {
        try
        {
            using var timeout = new CancellationTokenSource(RabbitMqConnection.CloseTimeout);
            await channel.CloseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Already closed with its connection, or unanswered: RabbitMQ requeues what it held when the channel goes.
        }

        await channel.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(EventId = EventingEventIds.RabbitMqRecordFailed, Level = LogLevel.Warning, Message = "A delivery of Trigger {Trigger} could not be recorded in RabbitMQ ({Error}); it is delivered again")]
    private static partial void LogRecordFailed(ILogger logger, string trigger, string error);
}
