namespace Serverless.Runtime.Dotnet.Concurrency;

/// <summary>
/// Counts requests in flight and admits at most <see cref="Limit"/> of them (0 = unlimited). It never
/// queues: the activator in front of the runtime does, so a refused request is answered 429 at once.
/// Thread-safe and lock-free.
/// </summary>
internal sealed class ConcurrencyLimiter
{
    /// <summary>
    /// Marks the runtime's own 429 (the runtime contract): the activator retries only a 429 so marked, on another
    /// instance, and passes a function's own 429 to the client untouched.
    /// </summary>
    public const string RejectedHeader = "X-Serverless-Rejected";

    public const string RejectedValue = "concurrency";

    private int _inFlight;
    private TaskCompletionSource? _idle;

    public ConcurrencyLimiter(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
    }

    /// <summary>Most requests admitted at once; 0 means unlimited.</summary>
    public int Limit { get; private set; }

    /// <summary>
    /// Sets the limit of a generic runtime at its specialization, before any request is admitted (until then every
    /// invocation is answered 503 without reaching the limiter).
    /// </summary>
    public void Specialize(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Admits a request if there is room; every <c>true</c> must be paired with one <see cref="Release"/>.</summary>
    public bool TryAcquire()
    {
        if (Limit == 0)
        {
            Interlocked.Increment(ref _inFlight);
            return true;
        }

        while (true)
        {
            var current = Volatile.Read(ref _inFlight);
            if (current >= Limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inFlight, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        var remaining = Interlocked.Decrement(ref _inFlight);
        if (remaining < 0)
        {
            Interlocked.Increment(ref _inFlight);
            throw new InvalidOperationException("Release was called more often than TryAcquire succeeded");
        }

        if (remaining == 0)
        {
            Volatile.Read(ref _idle)?.TrySetResult();
        }
    }

    /// <summary>
    /// Completes when no request is in flight (at once if none is). Used by the drain on SIGTERM.
    /// A request admitted after the task completed does not un-complete it.
    /// </summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = Volatile.Read(ref _idle);
            if (current is null || (current.Task.IsCompleted && InFlight > 0))
            {
                var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (Interlocked.CompareExchange(ref _idle, fresh, current) != current)
                {
                    continue;
                }

                current = fresh;
            }

            // Checked after publishing the source: a Release that reached zero before it was published
            // is seen here, one that comes after completes the published source.
            if (InFlight == 0)
            {
                current.TrySetResult();
            }

            return current.Task.WaitAsync(cancellationToken);
        }
    }
}
