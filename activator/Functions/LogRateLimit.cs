namespace Serverless.Activator.Functions;

/// <summary>
/// At most one log line per <see cref="Interval"/>: a function failing every request would otherwise write a line
/// per request (a 429 flood once wrote 11 MiB of stack traces). What is held back is counted and reported with the
/// next line that goes out. Thread-safe; time is only passed in.
/// </summary>
internal sealed class LogRateLimit(TimeSpan interval)
{
    private readonly object _gate = new();
    private DateTimeOffset? _last;
    private long _suppressed;

    public TimeSpan Interval => interval;

    /// <summary>True when a line may be written now; <paramref name="suppressed"/> is how many were held back since the last one.</summary>
    public bool TryAcquire(DateTimeOffset now, out long suppressed)
    {
        lock (_gate)
        {
            if (_last is { } last && now - last < interval)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }

            _last = now;
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}
