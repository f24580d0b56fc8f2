using Serverless.Eventing.Events;
using Serverless.Eventing.Filtering;
using Serverless.Eventing.Metrics;
using Serverless.Eventing.Routing;
using Serverless.Eventing.Storage;

namespace Serverless.Eventing.Ingress;

/// <summary>
/// Accepts events into a broker: matches each against the broker's Triggers and stores it with one delivery per
/// matching Trigger. Returns once the store made it durable. Shared by the HTTP ingress and by reply events.
/// </summary>
/// <remarks>
/// Filters are applied at ingress, against the Triggers of that moment: a Trigger created later does not receive
/// earlier events (as in Knative). An event no Trigger matches is acknowledged and not stored: there is nobody to
/// deliver it to.
/// </remarks>
internal sealed class BrokerIngestor
{
    private readonly IEventStore _store;
    private readonly ITriggerRoutes _routes;
    private readonly BrokerMetrics _metrics;
    private readonly TimeProvider _time;

    public BrokerIngestor(IEventStore store, ITriggerRoutes routes, BrokerMetrics metrics, TimeProvider time)
    {
        _store = store;
        _routes = routes;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>Raised after events with deliveries were stored (the dispatcher wakes on it).</summary>
    public event Action? Stored;

    /// <summary>Stores the events all or nothing; throws <see cref="IOException"/> when the store fails.</summary>
    public async Task IngestAsync(string @namespace, string broker, IReadOnlyList<BrokerEvent> events, CancellationToken cancellationToken)
    {
        if (!_routes.HasSynced)
        {
            // Matching before the Triggers are known would store events with no delivery: lost.
            await _routes.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        }

        var triggers = _routes.ForBroker(@namespace, broker);
        var stored = new List<NewEvent>(events.Count);
        foreach (var brokerEvent in events)
        {
            var matching = triggers.Where(t => EventFilter.Matches(t.Spec, brokerEvent.Attributes)).Select(t => t.Key).ToArray();
            if (matching.Length > 0)
            {
                stored.Add(new NewEvent(@namespace, broker, brokerEvent.Id, brokerEvent.Source, BrokerEventCodec.Encode(brokerEvent), matching));
            }
        }

        if (stored.Count > 0)
        {
            await _store.AppendAsync(stored, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            Stored?.Invoke();
        }

        _metrics.EventsReceived.WithLabels(@namespace, broker).Inc(events.Count);
    }
}
