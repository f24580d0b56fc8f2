using System.Threading.Channels;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Storage;

/// <summary>
/// The watch half of a store, free of I/O: a bounded history of the newest committed changes of one
/// kind, from which a watch resumes, and the live watchers, each with a bounded queue.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="Publish"/> never blocks: a watcher whose queue is full is ended with
/// <see cref="StoreErrorKind.Expired"/>, which makes it re-list, as Kubernetes does with a watcher
/// its watch cache cannot keep up with. Callers publish in version order.
/// <para>
/// The history covers every change after <see cref="OldestResumableVersion"/>: at first that is
/// the database's version when the store opened (nothing earlier is in memory, so an older version,
/// e.g. one remembered across a restart, has expired); later it is the newest evicted change.
/// Versions are global across kinds, so the history of one kind has gaps, which is fine: the
/// versions in the gaps belong to other kinds.
/// </para>
/// </remarks>
internal sealed class WatchBroadcaster
{
    private readonly object _gate = new();
    private readonly Queue<WatchRecord> _history = new();
    private readonly List<WatchSubscription> _watchers = [];
    private readonly int _historySize;
    private readonly int _bufferSize;
    private long _oldestResumable;
    private long _lastPublished;
    private bool _completed;

    public WatchBroadcaster(long startVersion, int historySize, int bufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startVersion);
        ArgumentOutOfRangeException.ThrowIfLessThan(historySize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        _oldestResumable = startVersion;
        _lastPublished = startVersion;
        _historySize = historySize;
        _bufferSize = bufferSize;
    }

    /// <summary>The oldest version a watch can start after without missing a change.</summary>
    public long OldestResumableVersion
    {
        get
        {
            lock (_gate)
            {
                return _oldestResumable;
            }
        }
    }

    public int BufferSize => _bufferSize;

    public int WatcherCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>
    /// A watcher that first receives every retained change after <paramref name="afterVersion"/>
    /// in <paramref name="namespace"/> (all when null), then live ones.
    /// </summary>
    /// <exception cref="StoreException"><see cref="StoreErrorKind.Expired"/>: changes after that version are no longer retained.</exception>
    public WatchSubscription Subscribe(string? @namespace, long afterVersion)
    {
        lock (_gate)
        {
            if (afterVersion < _oldestResumable)
            {
                throw new StoreException(
                    StoreErrorKind.Expired,
                    $"too old resource version: {afterVersion} ({_oldestResumable} is the oldest still watchable); re-list");
            }

            // The backlog gets room of its own on top of the live buffer, so a watcher that
            // resumes far back is not ended before it has read anything.
            var backlog = _history.Where(record => record.Version > afterVersion).ToList();
            var channel = Channel.CreateBounded<WatchRecord>(new BoundedChannelOptions(_bufferSize + backlog.Count)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
                SingleWriter = false,
            });
            var subscription = new WatchSubscription(this, @namespace, channel);
            foreach (var record in backlog)
            {
                if (subscription.Matches(record))
                {
                    channel.Writer.TryWrite(record);
                }
            }

            if (_completed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                _watchers.Add(subscription);
            }

            return subscription;
        }
    }

    /// <summary>Records a committed change and hands it to every matching watcher without waiting.</summary>
    /// <returns>How many watchers were ended for falling behind.</returns>
    public int Publish(WatchRecord record)
    {
        lock (_gate)
        {
            if (record.Version <= _lastPublished)
            {
                throw new InvalidOperationException($"changes must be published in version order: {record.Version} after {_lastPublished}");
            }

            _lastPublished = record.Version;
            _history.Enqueue(record);
            while (_history.Count > _historySize)
            {
                _oldestResumable = _history.Dequeue().Version;
            }

            var ended = 0;
            for (var i = _watchers.Count - 1; i >= 0; i--)
            {
                var watcher = _watchers[i];
                if (!watcher.Matches(record) || watcher.Channel.Writer.TryWrite(record))
                {
                    continue;
                }

                // What is queued is still delivered, then the reader sees Expired: the consumer
                // processes changes up to the gap and re-lists from there.
                watcher.Channel.Writer.TryComplete(new StoreException(
                    StoreErrorKind.Expired,
                    $"the watch fell more than {_bufferSize} changes behind and was ended at resource version {record.Version}; re-list"));
                _watchers.RemoveAt(i);
                ended++;
            }

            return ended;
        }
    }

    /// <summary>Ends every watch normally (the store is closing); a later subscription ends at once.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            foreach (var watcher in _watchers)
            {
                watcher.Channel.Writer.TryComplete();
            }

            _watchers.Clear();
        }
    }

    internal void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate)
        {
            _watchers.Remove(subscription);
            subscription.Channel.Writer.TryComplete();
        }
    }
}
