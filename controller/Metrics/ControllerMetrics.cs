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
    }

    internal Counter ReconcileTotal { get; }

    internal Histogram ReconcileDuration { get; }
}
