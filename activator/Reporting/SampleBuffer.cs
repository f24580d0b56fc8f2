using Serverless.Core.Contracts;

namespace Serverless.Activator.Reporting;

/// <summary>
/// The samples of <see cref="HttpStatsSender"/>, pure: those waiting to be sent, and the recent ones (the replay
/// window back from the newest) kept to replay to a restarted autoscaler. Both are bounded in count; past the
/// bound the oldest go and are counted, so an unreachable autoscaler costs bounded memory.
/// Not thread-safe: the sender's lock guards it.
/// </summary>
internal sealed class SampleBuffer(TimeSpan replayWindow, int capacity)
{
    private readonly Queue<ConcurrencySample> _pending = new();
    private readonly Queue<ConcurrencySample> _recent = new();

    /// <summary>Pending samples dropped unsent because the buffer was full.</summary>
    public long Dropped { get; private set; }

    public int PendingCount => _pending.Count;

    public void Add(ConcurrencySample sample)
    {
        _pending.Enqueue(sample);
        if (_pending.Count > capacity)
        {
            _pending.Dequeue();
            Dropped++;
        }

        _recent.Enqueue(sample);
        var oldest = sample.Time - replayWindow;
        while (_recent.Count > capacity || _recent.Peek().Time < oldest)
        {
            _recent.Dequeue();
        }
    }

    /// <summary>Everything waiting to be sent, oldest first; the pending queue is empty afterwards.</summary>
    public List<ConcurrencySample> TakePending()
    {
        var batch = new List<ConcurrencySample>(_pending);
        _pending.Clear();
        return batch;
    }

    /// <summary>The replay window, oldest first, leaving out the newest <paramref name="skipNewest"/> (just sent).</summary>
    public List<ConcurrencySample> Recent(int skipNewest = 0) => _recent.Take(Math.Max(0, _recent.Count - skipNewest)).ToList();
}
