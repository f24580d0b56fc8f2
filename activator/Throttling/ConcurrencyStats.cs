namespace Serverless.Activator.Throttling;

/// <summary>
/// Time-weighted concurrency of one function, pure: every change of (in flight + queued) is recorded
/// with its time, and a window's average is the area under that step function divided by the
/// window's length. Worked example: 2 requests for the first 0.5 s of a 1 s window, then 0, average 1.0,
/// peak 2. Not thread-safe: the owning throttler's lock guards it.
/// </summary>
internal sealed class ConcurrencyStats
{
    private DateTimeOffset _windowStart;
    private DateTimeOffset _lastChange;
    private int _current;
    private double _area;
    private int _peak;
    private int _requests;

    public ConcurrencyStats(DateTimeOffset now)
    {
        _windowStart = now;
        _lastChange = now;
    }

    public int Current => _current;

    /// <summary>Concurrency changed to <paramref name="concurrency"/> at <paramref name="now"/>.</summary>
    public void Record(DateTimeOffset now, int concurrency)
    {
        Accumulate(now);
        _current = concurrency;
        _peak = Math.Max(_peak, concurrency);
    }

    /// <summary>A request arrived (retries are not new requests).</summary>
    public void CountRequest() => _requests++;

    /// <summary>Closes the window at <paramref name="now"/> and starts the next one.</summary>
    public StatsWindow Take(DateTimeOffset now, int inFlight, int queueDepth)
    {
        Accumulate(now);
        var seconds = (now - _windowStart).TotalSeconds;
        var window = new StatsWindow(
            seconds > 0 ? _area / seconds : _current,
            _peak,
            seconds > 0 ? _requests / seconds : 0,
            _requests,
            inFlight,
            queueDepth);
        _windowStart = now;
        _area = 0;
        _peak = _current;
        _requests = 0;
        return window;
    }

    private void Accumulate(DateTimeOffset now)
    {
        if (now > _lastChange)
        {
            _area += _current * (now - _lastChange).TotalSeconds;
            _lastChange = now;
        }
    }
}
