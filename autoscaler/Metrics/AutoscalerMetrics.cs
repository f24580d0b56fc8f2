using Prometheus;

namespace Serverless.Autoscaler.Metrics;

/// <summary>The autoscaler's Prometheus metrics (names in DESIGN.md), on a registry the host passes in.</summary>
public sealed class AutoscalerMetrics
{
    public AutoscalerMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        DesiredReplicas = factory.CreateGauge(
            "serverless_autoscaler_desired_replicas",
            "Instances the autoscaler wants, by function.",
            new GaugeConfiguration { LabelNames = ["function"] });
        Panic = factory.CreateGauge(
            "serverless_autoscaler_panic",
            "1 while the function's autoscaler is in panic mode.",
            new GaugeConfiguration { LabelNames = ["function"] });
        ObservedConcurrency = factory.CreateGauge(
            "serverless_autoscaler_observed_concurrency",
            "Stable-window average of the scaling metric (concurrency or requests/s), by function.",
            new GaugeConfiguration { LabelNames = ["function"] });
    }

    internal Gauge DesiredReplicas { get; }

    internal Gauge Panic { get; }

    internal Gauge ObservedConcurrency { get; }
}
