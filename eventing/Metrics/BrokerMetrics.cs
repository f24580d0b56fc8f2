using Prometheus;

namespace Serverless.Eventing.Metrics;

/// <summary>
/// The broker's Prometheus metrics (names in DESIGN.md, plus store and latency detail), on a registry the host passes in.
/// Every per-event series is labelled <c>namespace</c> and <c>broker</c>, and those of a delivery also <c>trigger</c>
/// (issue #16); the two gauges are the dispatcher's totals.
/// </summary>
internal sealed class BrokerMetrics
{
    private static readonly string[] TriggerLabels = ["namespace", "broker", "trigger"];

    public BrokerMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        EventsReceived = factory.CreateCounter(
            "serverless_broker_events_received_total",
            "Events accepted (durably stored) by the broker ingress, replies included, by namespace and broker.",
            new CounterConfiguration { LabelNames = ["namespace", "broker"] });
        EventsRejected = factory.CreateCounter(
            "serverless_broker_events_rejected_total",
            "Ingress requests refused, by namespace, broker and reason (invalid, too_large, unknown_broker, store_error, class_unavailable); for unknown_broker namespace and broker are empty, so a client cannot mint series.",
            new CounterConfiguration { LabelNames = ["namespace", "broker", "reason"] });
        Deliveries = factory.CreateCounter(
            "serverless_broker_deliveries_total",
            "Delivery attempts to subscribers and dead-letter sinks, by namespace, broker, trigger and result (ok, retry, rejected, dead_letter_ok, dead_letter_failed).",
            new CounterConfiguration { LabelNames = ["namespace", "broker", "trigger", "result"] });
        DeadLettered = factory.CreateCounter(
            "serverless_broker_dead_lettered_total",
            "Events accepted by a dead-letter sink after their subscriber failed for good, by namespace, broker and trigger.",
            new CounterConfiguration { LabelNames = TriggerLabels });
        Undeliverable = factory.CreateCounter(
            "serverless_broker_undeliverable_total",
            "Deliveries that ended with neither the subscriber nor a dead-letter sink taking the event (kept in the store with the reason), by namespace, broker and trigger.",
            new CounterConfiguration { LabelNames = TriggerLabels });
        Replies = factory.CreateCounter(
            "serverless_broker_replies_total",
            "Reply events returned by subscribers and ingested into the broker again, by namespace, broker and trigger.",
            new CounterConfiguration { LabelNames = TriggerLabels });
        RepliesDropped = factory.CreateCounter(
            "serverless_broker_replies_dropped_total",
            "Reply events not ingested because their chain of replies reached the hop limit (knativebrokerttl), by namespace, broker and trigger.",
            new CounterConfiguration { LabelNames = TriggerLabels });
        Pending = factory.CreateGauge(
            "serverless_broker_pending_deliveries",
            "Deliveries stored and not yet done, as of the dispatcher's last look.");
        InFlight = factory.CreateGauge(
            "serverless_broker_in_flight_deliveries",
            "Delivery attempts in flight.");
        CommitBatch = factory.CreateHistogram(
            "serverless_broker_commit_batch_size",
            "Writes carried by one durable commit of the event store (group commit).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 10) });
        EndToEnd = factory.CreateHistogram(
            "serverless_broker_delivery_latency_seconds",
            "From an event's acceptance to its successful delivery, by namespace and broker.",
            new HistogramConfiguration { LabelNames = ["namespace", "broker"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
    }

    /// <summary>Notes one durable commit of the event store carrying <paramref name="writes"/> writes.</summary>
    public void ObserveCommit(int writes) => CommitBatch.Observe(writes);

    internal Counter EventsReceived { get; }

    internal Counter EventsRejected { get; }

    internal Counter Deliveries { get; }

    internal Counter DeadLettered { get; }

    internal Counter Undeliverable { get; }

    internal Counter Replies { get; }

    internal Counter RepliesDropped { get; }

    internal Gauge Pending { get; }

    internal Gauge InFlight { get; }

    internal Histogram CommitBatch { get; }

    internal Histogram EndToEnd { get; }
}
