using System.Globalization;
using Prometheus;
using Serverless.Runtime.Dotnet.Concurrency;

namespace Serverless.Runtime.Dotnet.Metrics;

/// <summary>
/// The runtime's Prometheus metrics, over a registry of its own (never the static default one, so
/// tests and hosts do not share state). Only invocations are counted; /healthz, /readyz and /metrics are not.
/// </summary>
internal sealed class RuntimeMetrics
{
    public const string RequestsTotal = "serverless_runtime_requests_total";
    public const string InFlight = "serverless_runtime_in_flight";
    public const string RequestDuration = "serverless_runtime_request_duration_seconds";

    /// <summary>From 5 ms to the default function timeout of 300 s; the same buckets in every runtime (C#, node, python).</summary>
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly Counter _requests;
    private readonly Histogram _duration;

    /// <param name="identity">Labels every series carries: the instance's namespace, function and revision (RuntimeSettings.MetricLabels).</param>
    public RuntimeMetrics(CollectorRegistry registry, ConcurrencyLimiter limiter, IReadOnlyDictionary<string, string> identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var factory = Prometheus.Metrics.WithCustomRegistry(registry).WithLabels(identity.ToDictionary(StringComparer.Ordinal));
        _requests = factory.CreateCounter(RequestsTotal, "Function invocations, by HTTP status code.", new CounterConfiguration { LabelNames = ["code"] });
        var inFlight = factory.CreateGauge(InFlight, "Function invocations being processed.");
        _duration = factory.CreateHistogram(RequestDuration, "Time from receiving an invocation to its response, in seconds.", new HistogramConfiguration { Buckets = DurationBuckets });

        // The limiter is the single source of truth for in-flight requests; sample it at scrape time.
        registry.AddBeforeCollectCallback(() => inFlight.Set(limiter.InFlight));
    }

    public void RecordRequest(int statusCode, TimeSpan duration)
    {
        _requests.WithLabels(statusCode.ToString(CultureInfo.InvariantCulture)).Inc();
        _duration.Observe(duration.TotalSeconds);
    }
}
