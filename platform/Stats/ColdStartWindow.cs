namespace Serverless.Platform.Stats;

/// <summary>
/// Cold starts of one function over a sliding minute: the times of the starts still inside the window.
/// Pure (time comes in as arguments); not thread-safe, the owner locks.
/// </summary>
internal sealed class ColdStartWindow
{
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(1);

    private readonly Queue<DateTimeOffset> _starts = new();

    /// <summary>A request found the function at zero while no start was pending: it counts once until instances are ready again.</summary>
    public bool Pending { get; private set; }

    /// <summary>Counts a start unless one is already pending; true when it counted.</summary>
    public bool TryStart(DateTimeOffset now)
    {
        if (Pending)
        {
            return false;
        }

        Pending = true;
        _starts.Enqueue(now);
        Trim(now);
        return true;
    }

    /// <summary>Instances turned ready: the next request at zero is a new cold start.</summary>
    public void Warm() => Pending = false;

    public int Count(DateTimeOffset now)
    {
        Trim(now);
        return _starts.Count;
    }

    private void Trim(DateTimeOffset now)
    {
        while (_starts.Count > 0 && now - _starts.Peek() >= Length)
        {
            _starts.Dequeue();
        }
    }
}
