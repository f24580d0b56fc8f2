using Prometheus;

namespace Serverless.Controller.Metrics;

/// <summary>The controller's Prometheus metrics (names in DESIGN.md), on a registry the host passes in.</summary>
public sealed class ControllerMetrics
{
    public ControllerMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        ReconcileTotal = factory.CreateCounter(
            "serverless_controller_reconcile_total",
            "Reconciliations by resource kind and result (success, error, conflict).",
            new CounterConfiguration { LabelNames = ["kind", "result"] });
        ReconcileDuration = factory.CreateHistogram(
            "serverless_controller_reconcile_duration_seconds",
            "Time one reconciliation took.",
            new HistogramConfiguration { LabelNames = ["kind"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
        Leader = factory.CreateGauge(
            "serverless_controller_leader",
            "1 while this controller replica holds the serverless-controller Lease and reconciles, else 0; the sum over replicas is 1 when all is well (1 in local mode, which always leads).");
    }

    /// <summary>Marks the start (true) or end (false) of this replica's leadership term.</summary>
    public void MarkLeading(bool leading) => Leader.Set(leading ? 1 : 0);

    internal Gauge Leader { get; }

    internal Counter ReconcileTotal { get; }

    internal Histogram ReconcileDuration { get; }
}
