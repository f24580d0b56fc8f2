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
    private readonly IReadOnlyDictionary<string, IBrokerSink> _sinks;
    private readonly ITriggerRoutes _routes;
    private readonly BrokerMetrics _metrics;
    private readonly BrokerClassAvailability _availability;

    /// <param name="sinks">The backend of each broker class configured here (<see cref="BrokerClasses"/>).</param>
    /// <param name="availability">How a missing backend is explained; default: the local platform's words for <paramref name="sinks"/>.</param>
    public BrokerIngestor(IReadOnlyDictionary<string, IBrokerSink> sinks, ITriggerRoutes routes, BrokerMetrics metrics, BrokerClassAvailability? availability = null)
    {
        _sinks = sinks;
        _availability = availability ?? BrokerClassAvailability.Local(sinks.ContainsKey(BrokerClasses.RabbitMq));
        _routes = routes;
        _metrics = metrics;
    }

    /// <summary>
    /// Stores the events all or nothing in the backend of the broker's class; throws <see cref="IOException"/> when it
    /// fails (<see cref="BrokerClassUnavailableException"/> when the class has no backend here).
    /// </summary>
    public async Task IngestAsync(string @namespace, string broker, IReadOnlyList<BrokerEvent> events, CancellationToken cancellationToken)
    {
        if (!_routes.HasSynced)
        {
            // Matching before the Triggers are known would store events with no delivery: lost.
            await _routes.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        }

        var brokerClass = _routes.BrokerClassOf(@namespace, broker);
        if (!_sinks.TryGetValue(brokerClass, out var sink))
        {
            throw new BrokerClassUnavailableException(_availability.Problem(brokerClass) ?? $"broker class \"{brokerClass}\" has no backend in this process");
        }

        var triggers = _routes.ForBroker(@namespace, broker);
        List<NewEvent>? stored = null;
        foreach (var brokerEvent in events)
        {
            // A plain loop: this runs once per event on the ingress's hot path, where LINQ's iterators and a growing
            // array builder showed in the profile.
            List<string>? matching = null;
            foreach (var trigger in triggers)
            {
                if (EventFilter.Matches(trigger.Spec, brokerEvent.Attributes))
                {
                    (matching ??= new List<string>(triggers.Count)).Add(trigger.Key);
                }
            }

            if (matching is not null)
            {
                (stored ??= new List<NewEvent>(events.Count)).Add(new NewEvent(@namespace, broker, brokerEvent.Id, brokerEvent.Source, BrokerEventCodec.Encode(brokerEvent), matching));
            }
        }

        if (stored is not null)
        {
            await sink.PublishAsync(stored, cancellationToken).ConfigureAwait(false);
        }

        _metrics.EventsReceived.WithLabels(@namespace, broker).Inc(events.Count);
    }
}
