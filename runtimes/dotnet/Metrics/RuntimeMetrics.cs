using System.Globalization;
using System.Text;
using Serverless.Runtime.Dotnet.Concurrency;

namespace Serverless.Runtime.Dotnet.Metrics;

/// <summary>
/// The runtime's Prometheus metrics, written in the text exposition format (0.0.4) by this class rather than by
/// prometheus-net: three fixed series do not need a metrics library, and creating prometheus-net's registry and
/// collectors was about 12% of the host's time from <c>Main</c> to listening (issue #21, measured with the phases
/// timed in-process). Only invocations are counted; /healthz, /readyz and /metrics are not.
/// </summary>
internal sealed class RuntimeMetrics
{
    public const string RequestsTotal = "serverless_runtime_requests_total";
    public const string InFlight = "serverless_runtime_in_flight";
    public const string RequestDuration = "serverless_runtime_request_duration_seconds";
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>From 5 ms to the default function timeout of 300 s; the same buckets in every runtime (C#, node, python).</summary>
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly ConcurrencyLimiter _limiter;

    /// <summary>The identity labels, rendered once: <c>namespace="…",function="…",revision="…"</c> (or empty).</summary>
    private readonly string _identity;

    // One lock for all series: a scrape sees a histogram whose count, sum and buckets agree, and an invocation
    // holds it for a few additions only.
    private readonly Lock _lock = new();
    private readonly SortedDictionary<int, long> _requestsByCode = [];
    private readonly long[] _bucketCounts = new long[DurationBuckets.Length];
    private long _count;
    private double _sum;

    /// <param name="identity">Labels every series carries: the instance's namespace, function and revision (RuntimeSettings.MetricLabels).</param>
    public RuntimeMetrics(ConcurrencyLimiter limiter, IReadOnlyDictionary<string, string> identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        _limiter = limiter;
        _identity = string.Join(',', identity.Select(label => $"{label.Key}=\"{EscapeLabelValue(label.Value)}\""));
    }

    public void RecordRequest(int statusCode, TimeSpan duration)
    {
        var seconds = duration.TotalSeconds;
        lock (_lock)
        {
            _requestsByCode[statusCode] = _requestsByCode.GetValueOrDefault(statusCode) + 1;
            _count++;
            _sum += seconds;
            for (var i = 0; i < DurationBuckets.Length; i++)
            {
                if (seconds <= DurationBuckets[i])
                {
                    _bucketCounts[i]++;
                    break;
                }
            }
        }
    }

    /// <summary>The exposition text of every series now.</summary>
    public string Export()
    {
        var text = new StringBuilder(2048);
        text.Append("# HELP ").Append(RequestsTotal).Append(" Function invocations, by HTTP status code.\n");
        text.Append("# TYPE ").Append(RequestsTotal).Append(" counter\n");
        lock (_lock)
        {
            foreach (var (code, count) in _requestsByCode)
            {
                Sample(text, RequestsTotal, "code", code.ToString(CultureInfo.InvariantCulture), count);
            }

            text.Append("# HELP ").Append(InFlight).Append(" Function invocations being processed.\n");
            text.Append("# TYPE ").Append(InFlight).Append(" gauge\n");

            // The limiter is the single source of truth for in-flight requests; sampled at scrape time.
            Sample(text, InFlight, null, null, _limiter.InFlight);

            text.Append("# HELP ").Append(RequestDuration).Append(" Time from receiving an invocation to its response, in seconds.\n");
            text.Append("# TYPE ").Append(RequestDuration).Append(" histogram\n");
            Sample(text, RequestDuration + "_sum", null, null, _sum);
            Sample(text, RequestDuration + "_count", null, null, _count);
            var cumulative = 0L;
            for (var i = 0; i < DurationBuckets.Length; i++)
            {
                cumulative += _bucketCounts[i];
                Sample(text, RequestDuration + "_bucket", "le", FormatNumber(DurationBuckets[i]), cumulative);
            }

            Sample(text, RequestDuration + "_bucket", "le", "+Inf", _count);
        }

        return text.ToString();
    }

    public Task WriteAsync(Stream destination, CancellationToken cancellationToken) =>
        destination.WriteAsync(Encoding.UTF8.GetBytes(Export()), cancellationToken).AsTask();

    /// <summary>Label values escape backslash, double quote and line feed (the exposition format's rules).</summary>
    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    internal static string FormatNumber(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private void Sample(StringBuilder text, string name, string? label, string? labelValue, double value)
    {
        text.Append(name);
        if (_identity.Length > 0 || label is not null)
        {
            text.Append('{').Append(_identity);
            if (label is not null)
            {
                if (_identity.Length > 0)
                {
                    text.Append(',');
                }

                text.Append(label).Append("=\"").Append(labelValue).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(FormatNumber(value)).Append('\n');
    }
}
