namespace Serverless.Activator;

/// <summary>Settings of the activator.</summary>
public sealed class ActivatorOptions
{
    /// <summary>Domain for host-based routing, <c>{function}.{namespace}.{domain}</c>. Default <c>localhost</c>.</summary>
    public string Domain { get; set; } = "localhost";

    /// <summary>Requests that may wait per function while no ready instance has free capacity. Default 1000; past it, 503.</summary>
    public int MaxQueuedRequestsPerFunction { get; set; } = 1000;

    /// <summary>
    /// Declared request body bytes (Content-Length) that may wait per function. Default 64 MiB; past it, 503.
    /// Chunked bodies have no declared length and count as 0.
    /// </summary>
    public long MaxQueuedBytesPerFunction { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Longest a scale-from-zero may take before the requests waiting for it are answered 503. Default 60 s,
    /// or the function's timeout when that is shorter.
    /// </summary>
    public TimeSpan ActivationDeadline { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retry-After sent with 503 when the queue is full or an activation failed. Default 1 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeout for connecting to an instance. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts per request when an instance refuses the connection or answers 429. Default 3.</summary>
    public int MaxForwardAttempts { get; set; } = 3;

    /// <summary>Consecutive failures (connect errors, 5xx) that eject an instance, as Envoy's <c>consecutive_5xx</c>. Default 5.</summary>
    public int OutlierConsecutiveFailures { get; set; } = 5;

    /// <summary>First ejection time; doubled on each repeat ejection, as Envoy's <c>base_ejection_time</c>. Default 30 s.</summary>
    public TimeSpan OutlierBaseEjectionTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Cap of the ejection time, as Envoy's <c>max_ejection_time</c>. Default 300 s.</summary>
    public TimeSpan OutlierMaxEjectionTime { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Interval of the concurrency samples sent to the autoscaler. Default 1 s.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws when a setting is out of range, naming the setting, its value and the allowed range.</summary>
    public void Validate()
    {
        Require(MaxQueuedRequestsPerFunction >= 0, nameof(MaxQueuedRequestsPerFunction), MaxQueuedRequestsPerFunction, "must be 0 or more");
        Require(MaxQueuedBytesPerFunction >= 0, nameof(MaxQueuedBytesPerFunction), MaxQueuedBytesPerFunction, "must be 0 or more");
        Require(ActivationDeadline > TimeSpan.Zero, nameof(ActivationDeadline), ActivationDeadline, "must be greater than 0");
        Require(RetryAfter > TimeSpan.Zero, nameof(RetryAfter), RetryAfter, "must be greater than 0");
        Require(ConnectTimeout > TimeSpan.Zero, nameof(ConnectTimeout), ConnectTimeout, "must be greater than 0");
        Require(MaxForwardAttempts >= 1, nameof(MaxForwardAttempts), MaxForwardAttempts, "must be 1 or more");
        Require(OutlierConsecutiveFailures >= 1, nameof(OutlierConsecutiveFailures), OutlierConsecutiveFailures, "must be 1 or more");
        Require(OutlierBaseEjectionTime > TimeSpan.Zero, nameof(OutlierBaseEjectionTime), OutlierBaseEjectionTime, "must be greater than 0");
        Require(OutlierMaxEjectionTime >= OutlierBaseEjectionTime, nameof(OutlierMaxEjectionTime), OutlierMaxEjectionTime, $"must be at least {nameof(OutlierBaseEjectionTime)} ({OutlierBaseEjectionTime})");
        Require(ReportInterval > TimeSpan.Zero, nameof(ReportInterval), ReportInterval, "must be greater than 0");
    }

    private static void Require(bool valid, string key, object value, string rule)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(key, value, $"activator option {key} = {value}, {rule}");
        }
    }
}
