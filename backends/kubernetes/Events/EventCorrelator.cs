namespace Serverless.Backends.Kubernetes.Events;

/// <summary>
/// client-go's EventCorrelator, pure on the time it is given: decides for each occurrence whether to write a new
/// Event, to count a repeat of one already written (a PATCH of <c>count</c> and <c>lastTimestamp</c>), or to drop it.
/// </summary>
/// <remarks>
/// <para>
/// Three rules, client-go's defaults. <b>Spam filter</b>: each object has a bucket of 25 Events, refilled one per
/// 5 minutes, so a Function that fails every few seconds for an hour costs 25 + 12 writes, not 1,000. <b>Aggregation</b>:
/// past 10 distinct messages with one reason for one object within 10 minutes, further ones become one Event
/// "(combined from similar events): …". <b>Deduplication</b>: an occurrence identical to one recorded before (object,
/// type, reason, message) increments that Event's count instead of creating another; the last 4,096 are remembered.
/// </para>
/// <para>Not thread-safe: the recorder's one loop calls it.</para>
/// </remarks>
internal sealed class EventCorrelator
{
    public const int Burst = 25;
    public const int AggregateAfter = 10;
    public const int Remembered = 4096;
    public const string CombinedPrefix = "(combined from similar events): ";
    public static readonly TimeSpan Refill = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan AggregateWindow = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, (double Tokens, DateTimeOffset At)> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset Since, HashSet<string> Messages)> _aggregates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LinkedListNode<Seen>> _seen = new(StringComparer.Ordinal);
    private readonly LinkedList<Seen> _recent = new();
    private long _lastSuffix;

    public EventDecision Correlate(EventRecord occurrence, DateTimeOffset now)
    {
        var regarding = occurrence.Regarding;
        var objectKey = string.Join('\u0000', regarding.Kind, regarding.NamespaceProperty, regarding.Name, regarding.Uid);
        if (!TakeToken(objectKey, now))
        {
            return new EventDecision.Drop();
        }

        var aggregateKey = string.Join('\u0000', objectKey, occurrence.Type, occurrence.Reason);
        var message = Aggregate(aggregateKey, occurrence.Message, now);
        var key = aggregateKey + '\u0000' + (message.StartsWith(CombinedPrefix, StringComparison.Ordinal) ? CombinedPrefix : message);
        if (_seen.TryGetValue(key, out var node))
        {
            _recent.Remove(node);
            _recent.AddFirst(node);
            node.Value.Count++;
            return new EventDecision.Repeat(node.Value.Name, message, node.Value.Count, node.Value.FirstTime, now);
        }

        var name = $"{regarding.Name}.{NextSuffix(now):x}";
        _seen[key] = _recent.AddFirst(new Seen(key, name, now));
        if (_recent.Count > Remembered)
        {
            _seen.Remove(_recent.Last!.Value.Key);
            _recent.RemoveLast();
        }

        return new EventDecision.Create(name, message, now);
    }

    private bool TakeToken(string objectKey, DateTimeOffset now)
    {
        var (tokens, at) = _buckets.TryGetValue(objectKey, out var bucket) ? bucket : (Burst, now);
        tokens = Math.Min(Burst, tokens + ((now - at) / Refill));
        if (tokens < 1)
        {
            _buckets[objectKey] = (tokens, now);
            return false;
        }

        _buckets[objectKey] = (tokens - 1, now);
        return true;
    }

    private string Aggregate(string aggregateKey, string message, DateTimeOffset now)
    {
        if (!_aggregates.TryGetValue(aggregateKey, out var aggregate) || now - aggregate.Since > AggregateWindow)
        {
            aggregate = (now, new HashSet<string>(StringComparer.Ordinal));
            _aggregates[aggregateKey] = aggregate;
        }

        aggregate.Messages.Add(message);
        return aggregate.Messages.Count > AggregateAfter ? CombinedPrefix + message : message;
    }

    // client-go names an Event {object}.{unix nanoseconds in hex}; strictly increasing here, so two in one tick differ.
    private long NextSuffix(DateTimeOffset now)
    {
        var suffix = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        _lastSuffix = suffix > _lastSuffix ? suffix : _lastSuffix + 1;
        return _lastSuffix;
    }

    private sealed class Seen(string key, string name, DateTimeOffset firstTime)
    {
        public string Key { get; } = key;

        public string Name { get; } = name;

        public DateTimeOffset FirstTime { get; } = firstTime;

        public int Count { get; set; } = 1;
    }
}
