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
            "Instances the autoscaler wants, by function and revision.",
            new GaugeConfiguration { LabelNames = ["function", "revision"] });
        Panic = factory.CreateGauge(
            "serverless_autoscaler_panic",
            "1 while the revision's autoscaler is in panic mode, by function and revision.",
            new GaugeConfiguration { LabelNames = ["function", "revision"] });
        ObservedConcurrency = factory.CreateGauge(
            "serverless_autoscaler_observed_concurrency",
            "Stable-window average of the scaling metric (concurrency or requests/s), by function and revision.",
            new GaugeConfiguration { LabelNames = ["function", "revision"] });
    }

    internal Gauge DesiredReplicas { get; }

    /// <summary>
    /// Removes the series of every (function, revision) pair that <paramref name="keep"/> does not hold: a revision
    /// that is no longer scaled (dropped and gone, or its Function deleted), so label values stay bounded.
    /// </summary>
    /// <returns>How many series were removed.</returns>
    internal int RemoveAllBut(IReadOnlySet<(string Function, string Revision)> keep)
    {
        var removed = 0;
        foreach (var gauge in new[] { DesiredReplicas, Panic, ObservedConcurrency })
        {
            // ToList: the collector's children cannot change while they are enumerated.
            foreach (var values in gauge.GetAllLabelValues().Where(v => !keep.Contains((v[0], v[1]))).ToList())
            {
                gauge.RemoveLabelled(values);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Removes every series of the Function <paramref name="function"/> (<c>namespace/name</c>), all its revisions'.</summary>
    internal void RemoveFunction(string function)
    {
        foreach (var gauge in new[] { DesiredReplicas, Panic, ObservedConcurrency })
        {
            foreach (var values in gauge.GetAllLabelValues().Where(v => v[0] == function).ToList())
            {
                gauge.RemoveLabelled(values);
            }
        }
    }

    internal Gauge Panic { get; }

    internal Gauge ObservedConcurrency { get; }
}
