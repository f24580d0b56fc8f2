using System.Threading.Channels;

namespace Serverless.Hosting.Queue;

/// <summary>
/// client-go's rate-limited work queue: a key added many times while waiting is processed once;
/// a key is never handed to two workers at once (added while processing, it is queued again on
/// <see cref="Done"/>); failures are retried with per-key exponential backoff until
/// <see cref="Forget"/>.
/// </summary>
/// <remarks>Thread-safe. All state changes happen under one lock; waiting is on a channel.</remarks>
public sealed class WorkQueue<TKey> : IDisposable where TKey : notnull
{
    private readonly object _gate = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly List<ITimer> _timers = [];
    private readonly Channel<TKey> _ready = Channel.CreateUnbounded<TKey>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly TimeProvider _time;
    private readonly RetryBackoff _backoff;
    private bool _disposed;

    public WorkQueue(TimeProvider time, RetryBackoff backoff)
    {
        _time = time;
        _backoff = backoff;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _dirty.Count;
            }
        }
    }

    public void Add(TKey key)
    {
        lock (_gate)
        {
            if (_disposed || !_dirty.Add(key))
            {
                return;
            }

            if (!_processing.Contains(key))
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            ITimer? timer = null;
            timer = _time.CreateTimer(
                _ =>
                {
                    lock (_gate)
                    {
                        _timers.Remove(timer!);
                    }

                    timer!.Dispose();
                    Add(key);
                },
                null,
                delay,
                Timeout.InfiniteTimeSpan);
            _timers.Add(timer);
        }
    }

    /// <summary>Adds the key after its backoff, which grows with each failure since the last <see cref="Forget"/>.</summary>
    public TimeSpan AddRateLimited(TKey key)
    {
        int failures;
        lock (_gate)
        {
            _failures.TryGetValue(key, out failures);
            _failures[key] = failures + 1;
        }

        var delay = _backoff.Delay(failures);
        AddAfter(key, delay);
        return delay;
    }

    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>Waits for the next key; the caller must call <see cref="Done"/> with it.</summary>
    public async ValueTask<TKey> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var key = await _ready.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                // A key can sit in the channel once while also being re-added; only the dirty one counts.
                if (_dirty.Remove(key))
                {
                    _processing.Add(key);
                    return key;
                }
            }
        }
    }

    public void Done(TKey key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key))
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }

            _timers.Clear();
            _ready.Writer.TryComplete();
        }
    }
}
