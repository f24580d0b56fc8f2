using Serverless.Eventing.Ingress;
using Serverless.Eventing.Storage;

namespace Serverless.Eventing.RabbitMq;

/// <summary>
/// The RabbitMQ backend's ingress: each event is published once, persistent, to its Broker's exchange with a header
/// per matching Trigger, and the request waits for every publisher confirm, so a 202 means RabbitMQ holds the event in
/// each matching Trigger's quorum queue.
/// </summary>
internal sealed class RabbitMqBrokerSink(RabbitMqConnection connection, TimeProvider time) : IBrokerSink
{
    public async Task PublishAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            foreach (var trigger in e.Triggers)
            {
                // Declared before the publish: an event reaching an exchange with no binding yet would be returned.
                await connection.EnsureTriggerAsync(e.Namespace, e.Broker, trigger, cancellationToken).ConfigureAwait(false);
            }
        }

        var now = time.GetUtcNow();
        if (events.Count == 1)
        {
            // One event per request is the common case: no task array, no WhenAll.
            await Publish(events[0], now, cancellationToken).ConfigureAwait(false);
            return;
        }

        // All publishes first, then the confirms: they overlap instead of costing a round trip each.
        var publishes = new Task[events.Count];
        for (var i = 0; i < publishes.Length; i++)
        {
            publishes[i] = Publish(events[i], now, cancellationToken);
        }

        await Task.WhenAll(publishes).ConfigureAwait(false);
    }

    private Task Publish(NewEvent e, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.PublishAsync(RabbitMqNames.Exchange(e.Namespace, e.Broker), "", RabbitMqHeaders.Initial(now, e.Triggers), e.Payload, cancellationToken);
}
