using Microsoft.Extensions.Configuration;

namespace Serverless.Activator.Configuration;

/// <summary>
/// Settings of the activator. In configuration they are the <c>"activator"</c> section of
/// <c>{home}/config.json</c> with Knative-style kebab-case keys (the <c>*Key</c> constants); read them with
/// <see cref="Bind(IConfiguration)"/>, which also validates. <c>activator/Configuration/activator.sample.json</c>
/// lists every key at its default.
/// </summary>
public sealed class ActivatorOptions
{
    public const string DomainKey = "domain";
    public const string QueueDepthKey = "queue-depth";
    public const string QueueMaxBytesKey = "queue-max-bytes";
    public const string ActivationTimeoutKey = "activation-timeout";
    public const string RetryAfterKey = "retry-after";
    public const string ConnectTimeoutKey = "connect-timeout";
    public const string MaxRetriesKey = "max-retries";
    public const string ConsecutiveFailuresKey = "consecutive-failures";
    public const string BaseEjectionTimeKey = "base-ejection-time";
    public const string MaxEjectionTimeKey = "max-ejection-time";
    public const string ReportIntervalKey = "report-interval";

    /// <summary>Domain for host-based routing, <c>{function}.{namespace}.{domain}</c> (<c>domain</c>). Default <c>localhost</c>.</summary>
    public string Domain { get; set; } = "localhost";

    /// <summary>Requests that may wait per function while no ready instance has free capacity (<c>queue-depth</c>). Default 1000; past it, 503.</summary>
    public int MaxQueuedRequestsPerFunction { get; set; } = 1000;

    /// <summary>
    /// Declared request body bytes (Content-Length) that may wait per function (<c>queue-max-bytes</c>). Default 64 MiB;
    /// past it, 503. Chunked bodies have no declared length and count as 0.
    /// </summary>
    public long MaxQueuedBytesPerFunction { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Longest a scale-from-zero may take before the requests waiting for it are answered 503 (<c>activation-timeout</c>).
    /// Default 60 s, or the function's timeout when that is shorter.
    /// </summary>
    public TimeSpan ActivationDeadline { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retry-After sent with 503 when the queue is full or an activation failed (<c>retry-after</c>). Default 1 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeout for connecting to an instance (<c>connect-timeout</c>). Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Attempts per request when an instance refuses the connection or answers 429. Default 3. In configuration it is
    /// <c>max-retries</c>, the attempts after the first (default 2).
    /// </summary>
    public int MaxForwardAttempts { get; set; } = 3;

    /// <summary>Consecutive failures (connect errors, 5xx) that eject an instance, as Envoy's <c>consecutive_5xx</c> (<c>consecutive-failures</c>). Default 5.</summary>
    public int OutlierConsecutiveFailures { get; set; } = 5;

    /// <summary>First ejection time; doubled on each repeat ejection, as Envoy's <c>base_ejection_time</c> (<c>base-ejection-time</c>). Default 30 s.</summary>
    public TimeSpan OutlierBaseEjectionTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Cap of the ejection time, as Envoy's <c>max_ejection_time</c> (<c>max-ejection-time</c>). Default 300 s.</summary>
    public TimeSpan OutlierMaxEjectionTime { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Interval of the concurrency samples sent to the autoscaler (<c>report-interval</c>). Default 1 s.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Reads the keys present in <paramref name="section"/> over the defaults (absent keys keep them). Throws
    /// <see cref="InvalidOperationException"/> listing every unreadable or out-of-range value, one per line.
    /// </summary>
    public static ActivatorOptions Bind(IConfiguration section)
    {
        var options = ActivatorOptionsReader.Read(section, out var errors);
        if (errors.Count == 0)
        {
            errors = options.Check();
        }

        return errors.Count == 0
            ? options
            : throw new InvalidOperationException("invalid activator configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    /// <summary>Every out-of-range value as <c>queue-depth = -1, must be 0 or more</c>; empty when all are valid.</summary>
    public IReadOnlyList<string> Check() => ActivatorOptionsValidator.Check(this);

    /// <summary>Throws <see cref="ArgumentException"/> listing every out-of-range value (key, value, allowed range).</summary>
    public void Validate()
    {
        var errors = Check();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid activator options: " + string.Join("; ", errors), nameof(ActivatorOptions));
        }
    }
}
