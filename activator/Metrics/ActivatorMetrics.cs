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
            "Requests handled, by function, revision and response status code.",
            new CounterConfiguration { LabelNames = ["function", "revision", "code"] });
        InFlight = factory.CreateGauge(
            "serverless_activator_in_flight",
            "Requests in flight, by function and revision.",
            new GaugeConfiguration { LabelNames = ["function", "revision"] });
        QueueDepth = factory.CreateGauge(
            "serverless_activator_queue_depth",
            "Requests waiting for a ready instance, by function and revision.",
            new GaugeConfiguration { LabelNames = ["function", "revision"] });
        ReadyInstances = factory.CreateGauge(
            "serverless_activator_ready_instances",
            "Ready instances the activator can forward to, by function and revision, as its endpoint source last said.",
            new GaugeConfiguration { LabelNames = ["function", "revision"] });
        RequestDuration = factory.CreateHistogram(
            "serverless_activator_request_duration_seconds",
            "Time from request arrival to the end of the response.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 18) });
        ColdStart = factory.CreateHistogram(
            "serverless_activator_cold_start_seconds",
            "Scale from zero as a request sees it: from the first request queued for a revision with no instance to the moment it is forwarded, by namespace, function and revision.",
            new HistogramConfiguration { LabelNames = ["namespace", "function", "revision"], Buckets = Histogram.ExponentialBuckets(0.05, 2, 12) });
        ForwardFailures = factory.CreateCounter(
            "serverless_activator_forward_failures_total",
            "Attempts to forward a request to an instance that failed (connection refused or reset, timeout, an instance's own refusal), by function, revision and YARP error.",
            new CounterConfiguration { LabelNames = ["function", "revision", "error"] });
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

    /// <summary>
    /// Removes every series of one workload's labels (all codes, errors and buckets): a revision that is no longer
    /// routed and has drained, or a deleted Function's, so that label values stay bounded by what is deployed.
    /// </summary>
    internal void Remove(WorkloadLabels labels)
    {
        RemoveWhere(RequestsTotal, values => values[0] == labels.FunctionLabel && values[1] == labels.Revision);
        RemoveWhere(ForwardFailures, values => values[0] == labels.FunctionLabel && values[1] == labels.Revision);
        InFlight.RemoveLabelled(labels.FunctionLabel, labels.Revision);
        QueueDepth.RemoveLabelled(labels.FunctionLabel, labels.Revision);
        ReadyInstances.RemoveLabelled(labels.FunctionLabel, labels.Revision);
        ColdStart.RemoveLabelled(labels.Function.Namespace, labels.Function.Name, labels.Revision);
    }

    private static void RemoveWhere<TChild>(Collector<TChild> collector, Func<string[], bool> match)
        where TChild : ChildBase
    {
        // ToList: the collector's children cannot change while they are enumerated.
        foreach (var values in collector.GetAllLabelValues().Where(match).ToList())
        {
            collector.RemoveLabelled(values);
        }
    }

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
