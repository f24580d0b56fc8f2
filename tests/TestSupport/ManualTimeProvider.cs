namespace Serverless.TestSupport;

/// <summary>
/// Virtual time for tests: the clock moves only through <see cref="Advance"/> or <see cref="UtcNow"/>,
/// and timers (including <c>Task.Delay(…, timeProvider)</c>) fire on the thread that moves it, in due order.
/// </summary>
/// <remarks>Thread-safe. Starts at 2024-01-01T00:00:00Z unless told otherwise.</remarks>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _timestamp;
    private TaskCompletionSource _timersChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ManualTimeProvider()
        : this(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public ManualTimeProvider(DateTimeOffset start)
    {
        _now = start.ToUniversalTime();
    }

    /// <summary>The current time; setting it moves the clock (forward only) and fires due timers.</summary>
    public DateTimeOffset UtcNow
    {
        get
        {
            lock (_gate)
            {
                return _now;
            }
        }

        set
        {
            TimeSpan delta;
            lock (_gate)
            {
                delta = value - _now;
            }

            Advance(delta);
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => UtcNow;

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _timestamp;
        }
    }

    /// <summary>Moves the clock forward and fires every timer that falls due, one at a time, in due order.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        // Fire timers one by one with the clock set to each due time, so a callback that reads the
        // clock or schedules a new timer sees the same sequence it would in real time.
        while (true)
        {
            ManualTimer? due;
            lock (_gate)
            {
                due = null;
                foreach (var timer in _timers)
                {
                    if (timer.DueAt is { } at && at <= target && (due is null || at < due.DueAt))
                    {
                        due = timer;
                    }
                }

                if (due is null)
                {
                    MoveTo(target);
                    return;
                }

                MoveTo(due.DueAt!.Value);
                due.DueAt = due.Period is { } period && period > TimeSpan.Zero ? due.DueAt + period : null;
            }

            due.Fire();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_gate)
        {
            _timers.Add(timer);
            PulseLocked();
        }

        return timer;
    }

    /// <summary>Timers that are scheduled to fire.</summary>
    public int ActiveTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <summary>
    /// Waits (in real time, bounded by <paramref name="timeout"/>) until code under test has scheduled at least
    /// <paramref name="count"/> timers, so a test advances the clock only once the waits it means to end exist.
    /// </summary>
    public async Task WaitForActiveTimersAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_timers.Count(t => t.DueAt is not null) >= count)
                {
                    return;
                }

                changed = _timersChanged.Task;
            }

            await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
    }

    private void PulseLocked()
    {
        _timersChanged.TrySetResult();
        _timersChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private void MoveTo(DateTimeOffset time)
    {
        if (time > _now)
        {
            _timestamp += (time - _now).Ticks;
            _now = time;
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
            PulseLocked();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan? Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
                owner.PulseLocked();
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
