using Prometheus;

namespace Serverless.Activator.Metrics;

/// <summary>The activator's Prometheus metrics (names in DESIGN.md), on a registry the host passes in.</summary>
public sealed class ActivatorMetrics
{
    public ActivatorMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        RequestsTotal = factory.CreateCounter(
            "serverless_activator_requests_total",
            "Requests handled, by function and response status code.",
            new CounterConfiguration { LabelNames = ["function", "code"] });
        InFlight = factory.CreateGauge(
            "serverless_activator_in_flight",
            "Requests in flight, by function.",
            new GaugeConfiguration { LabelNames = ["function"] });
        QueueDepth = factory.CreateGauge(
            "serverless_activator_queue_depth",
            "Requests waiting for a ready instance, by function.",
            new GaugeConfiguration { LabelNames = ["function"] });
        ReadyInstances = factory.CreateGauge(
            "serverless_activator_ready_instances",
            "Ready instances the activator can forward to, by function, as its endpoint source last said.",
            new GaugeConfiguration { LabelNames = ["function"] });
        RequestDuration = factory.CreateHistogram(
            "serverless_activator_request_duration_seconds",
            "Time from request arrival to the end of the response.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 18) });
        ColdStart = factory.CreateHistogram(
            "serverless_activator_cold_start_seconds",
            "Scale from zero as a request sees it: from the first request queued for a function with no instance to the moment it is forwarded, by namespace and function.",
            new HistogramConfiguration { LabelNames = ["namespace", "function"], Buckets = Histogram.ExponentialBuckets(0.05, 2, 12) });
        ForwardFailures = factory.CreateCounter(
            "serverless_activator_forward_failures_total",
            "Attempts to forward a request to an instance that failed (connection refused or reset, timeout, an instance's own refusal), by function and YARP error.",
            new CounterConfiguration { LabelNames = ["function", "error"] });
        AutoscalerPosts = factory.CreateCounter(
            "serverless_activator_autoscaler_posts_total",
            "POSTs to a remote autoscaler (Kubernetes mode), by path (stats, scale-from-zero) and result (ok, error).",
            new CounterConfiguration { LabelNames = ["path", "result"] });
        StatsDropped = factory.CreateCounter(
            "serverless_activator_stats_dropped_total",
            "Concurrency samples dropped unsent because the buffer for an unreachable autoscaler was full.");
        StatsReplays = factory.CreateCounter(
            "serverless_activator_stats_replays_total",
            "Replays of the recent samples to an autoscaler that restarted (its instance id changed).");
    }

    internal Counter RequestsTotal { get; }

    internal Counter ForwardFailures { get; }

    internal Counter AutoscalerPosts { get; }

    internal Counter StatsDropped { get; }

    internal Counter StatsReplays { get; }

    internal Gauge InFlight { get; }

    internal Gauge QueueDepth { get; }

    internal Gauge ReadyInstances { get; }

    internal Histogram RequestDuration { get; }

    internal Histogram ColdStart { get; }
}
