using Microsoft.Extensions.Logging;
using Serverless.Eventing.Events;
using Serverless.Eventing.Ingress;
using Serverless.Eventing.Metrics;
using Serverless.Eventing.Routing;
using Serverless.Eventing.Storage;
using Serverless.Eventing.Tracing;

namespace Serverless.Eventing.Delivery;

/// <summary>
/// The one dispatcher contract every backend delivers through: one attempt of one delivery (send to the subscriber
/// or the dead-letter sink, classify, store a reply event back into the broker) and the decision what comes next.
/// The backend only records the verdict its own way (SQLite: a row update; RabbitMQ: ack, delay queue, parked queue).
/// </summary>
/// <remarks>
/// A reply is ingested before the verdict is returned, so a backend that records the verdict after it repeats the
/// delivery after a crash in between rather than losing the reply (at least once).
/// </remarks>
internal sealed partial class DeliveryAttempt
{
    private readonly IEventSender _sender;
    private readonly BrokerIngestor _ingestor;
    private readonly BrokerOptions _options;
    private readonly BrokerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DeliveryAttempt(IEventSender sender, BrokerIngestor ingestor, BrokerOptions options, BrokerMetrics metrics, TimeProvider time, ILogger logger)
    {
        _sender = sender;
        _ingestor = ingestor;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Runs the attempt; throws <see cref="OperationCanceledException"/> when cancelled (record nothing then).</summary>
    public async Task<DeliveryVerdict> RunAsync(DeliveryState delivery, TriggerRoute route, CancellationToken cancellationToken)
    {
        var stored = BrokerEventCodec.Decode(delivery.Payload);
        var outgoing = BrokerTtl.Stripped(stored);
        var deadLetter = delivery.Phase == DeliveryPhase.DeadLetter;
        var target = deadLetter ? route.DeadLetterSink : route.Subscriber;
        SendResult result;
        if (target is null)
        {
            // The dead-letter sink was removed from the Trigger after the delivery moved to it.
            result = new SendResult(null, null, null, "the Trigger no longer has a dead-letter sink");
        }
        else
        {
            if (deadLetter)
            {
                outgoing = DeadLetterEvent.Annotate(outgoing, route.Subscriber, delivery.LastCode, delivery.LastError);
            }

            using var span = BrokerTracing.StartDelivery(stored, TriggerName(route), delivery.Attempts + 1, deadLetter);
            result = await _sender.SendAsync(target, outgoing, route.Delivery.Timeout, cancellationToken).ConfigureAwait(false);
            span?.SetTag("http.response.status_code", result.StatusCode);
            if (result.Reply is { } returned)
            {
                // The reply continues this attempt's trace, unless the subscriber gave it a context of its own.
                result = result with { Reply = BrokerTracing.WithContext(returned) };
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        var outcome = target is null ? AttemptOutcome.Rejected : ResponseClassifier.Classify(result.StatusCode);
        var replyTtl = BrokerTtl.ForReplyTo(stored);
        if (outcome == AttemptOutcome.Accepted && !deadLetter && result.Reply is { } loop && replyTtl <= 0)
        {
            // The chain of replies reached Knative's hop limit: the delivery succeeded, its reply is refused (counted and logged).
            _metrics.RepliesDropped.WithLabels(route.Namespace, route.Broker, TriggerName(route)).Inc();
            LogReplyLoop(_logger, route.Key, loop.Id, loop.Source, BrokerTtl.Initial);
        }
        else if (outcome == AttemptOutcome.Accepted && !deadLetter && result.Reply is { } reply)
        {
            try
            {
                await _ingestor.IngestAsync(route.Namespace, route.Broker, [BrokerTtl.With(reply, replyTtl)], cancellationToken).ConfigureAwait(false);
                _metrics.Replies.WithLabels(route.Namespace, route.Broker, TriggerName(route)).Inc();
            }
            catch (IOException e)
            {
                outcome = AttemptOutcome.Retryable;
                result = result with { StatusCode = null, Error = "storing the reply event failed: " + e.Message };
            }
        }

        var now = _time.GetUtcNow();
        var decision = RetryPlanner.Decide(delivery.Phase, delivery.Attempts, outcome, route.Delivery, result.RetryAfter, _options.RetryAfterMax, now);
        _metrics.Deliveries.WithLabels(route.Namespace, route.Broker, TriggerName(route), ResultLabel(deadLetter, outcome)).Inc();

        // In the dead-letter phase the delivery keeps the subscriber's code and error: they are what the sink must be told.
        var (code, error) = deadLetter ? (delivery.LastCode, delivery.LastError) : (result.StatusCode, result.Error ?? "");
        switch (decision.Kind)
        {
            case DecisionKind.Done when deadLetter:
                _metrics.DeadLettered.WithLabels(route.Namespace, route.Broker, TriggerName(route)).Inc();
                LogDeadLettered(_logger, route.Key, stored.Id, stored.Source, delivery.LastCode, delivery.LastError);
                break;
            case DecisionKind.Done:
                _metrics.EndToEnd.WithLabels(route.Namespace, route.Broker).Observe(Math.Max(0, (now - delivery.ReceivedAt).TotalSeconds));
                break;
            case DecisionKind.Fail:
                var reason = deadLetter
                    ? $"dead-letter sink failed: {result.Error}; subscriber: {delivery.LastError}"
                    : result.Error ?? "";
                _metrics.Undeliverable.WithLabels(route.Namespace, route.Broker, TriggerName(route)).Inc();
                LogUndeliverable(_logger, route.Key, stored.Id, stored.Source, reason);
                return new DeliveryVerdict(decision with { NextAttempt = now }, code, reason);
        }

        return new DeliveryVerdict(decision, code, error ?? "");
    }

    /// <summary>The <c>trigger</c> label: the Trigger's name (its namespace is a label of its own).</summary>
    internal static string TriggerName(TriggerRoute route) => TriggerKeys.Split(route.Key).Name;

    private static string ResultLabel(bool deadLetter, AttemptOutcome outcome) => (deadLetter, outcome) switch
    {
        (true, AttemptOutcome.Accepted) => "dead_letter_ok",
        (true, _) => "dead_letter_failed",
        (false, AttemptOutcome.Accepted) => "ok",
        (false, AttemptOutcome.Retryable) => "retry",
        _ => "rejected",
    };

    [LoggerMessage(EventId = EventingEventIds.DeadLettered, Level = LogLevel.Information, Message = "Event {Source}/{Id} of Trigger {Trigger} sent to the dead-letter sink (subscriber answered {Code}: {Error})")]
    private static partial void LogDeadLettered(ILogger logger, string trigger, string? id, string? source, int? code, string? error);

    [LoggerMessage(EventId = EventingEventIds.ReplyLoop, Level = LogLevel.Warning, Message = "Reply {Source}/{Id} to an event of Trigger {Trigger} not stored: the chain of replies reached the hop limit ({Limit}, knativebrokerttl)")]
    private static partial void LogReplyLoop(ILogger logger, string trigger, string? id, string? source, int limit);

    [LoggerMessage(EventId = EventingEventIds.Undeliverable, Level = LogLevel.Error, Message = "Event {Source}/{Id} of Trigger {Trigger} is undeliverable and kept as failed: {Reason}")]
    private static partial void LogUndeliverable(ILogger logger, string trigger, string? id, string? source, string reason);
}
