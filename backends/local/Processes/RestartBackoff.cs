namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Exponential restart backoff for one function revision: the n-th consecutive failure delays the next start by
/// <c>base × 2^(n-1)</c>, capped at max (200 ms, 400 ms, 800 ms, … 10 s with the defaults). An instance that ran
/// at least <c>resetAfter</c> before it exited starts the count afresh, so a crash once a day never waits 10 s.
/// </summary>
/// <remarks>Not thread-safe: the owning workload calls it under its lock.</remarks>
internal sealed class RestartBackoff
{
    // 2^30 × any sane base exceeds every sane max; the cap keeps the shift from overflowing.
    private const int MaxExponent = 30;

    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly TimeSpan _resetAfter;
    private readonly TimeProvider _time;
    private DateTimeOffset _notBefore = DateTimeOffset.MinValue;

    public RestartBackoff(TimeSpan initial, TimeSpan max, TimeSpan resetAfter, TimeProvider time)
    {
        _initial = initial;
        _max = max;
        _resetAfter = resetAfter;
        _time = time;
    }

    public int ConsecutiveFailures { get; private set; }

    /// <summary>The delay after the <paramref name="failures"/>-th consecutive failure (1-based).</summary>
    public static TimeSpan DelayFor(int failures, TimeSpan initial, TimeSpan max)
    {
        if (failures <= 0)
        {
            return TimeSpan.Zero;
        }

        var exponent = Math.Min(failures - 1, MaxExponent);
        var ticks = initial.Ticks * (1L << exponent);
        return ticks <= 0 || ticks > max.Ticks ? max : TimeSpan.FromTicks(ticks);
    }

    /// <summary>Records that an instance started at <paramref name="startedAt"/> failed now; returns the delay before the next start.</summary>
    public TimeSpan RecordFailure(DateTimeOffset startedAt)
    {
        var now = _time.GetUtcNow();
        if (now - startedAt >= _resetAfter)
        {
            ConsecutiveFailures = 0;
        }

        ConsecutiveFailures++;
        var delay = DelayFor(ConsecutiveFailures, _initial, _max);
        _notBefore = now + delay;
        return delay;
    }

    /// <summary>How long until a start is allowed; zero when it is allowed now.</summary>
    public TimeSpan RemainingDelay()
    {
        var remaining = _notBefore - _time.GetUtcNow();
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }
}
