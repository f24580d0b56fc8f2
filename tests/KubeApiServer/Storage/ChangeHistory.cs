namespace Serverless.KubeApiServer.Storage;

/// <summary>
/// The changes a watch can resume from and an old list can be rebuilt from, as etcd keeps them until it
/// compacts: every change with a resourceVersion above <see cref="CompactedThrough"/> is here.
/// </summary>
/// <remarks>Not thread-safe: the store's lock guards it.</remarks>
internal sealed class ChangeHistory(int limit)
{
    private readonly LinkedList<StoredChange> _changes = new();

    public long CompactedThrough { get; private set; } = 1;

    /// <summary>Whether a watch or list from <paramref name="resourceVersion"/> can still be served.</summary>
    public bool Retains(long resourceVersion) => resourceVersion >= CompactedThrough;

    public void Add(StoredChange change)
    {
        _changes.AddLast(change);
        while (_changes.Count > limit)
        {
            CompactedThrough = _changes.First!.Value.ResourceVersion;
            _changes.RemoveFirst();
        }
    }

    public void Compact(long through)
    {
        _changes.Clear();
        CompactedThrough = through;
    }

    public IEnumerable<StoredChange> After(long resourceVersion, string typeKey) =>
        _changes.Where(c => c.ResourceVersion > resourceVersion && c.Type.Key == typeKey);

    /// <summary>Newest first: undoing them from the current state gives the state at <paramref name="resourceVersion"/>.</summary>
    public IEnumerable<StoredChange> NewestFirstAfter(long resourceVersion, string typeKey)
    {
        for (var node = _changes.Last; node is not null && node.Value.ResourceVersion > resourceVersion; node = node.Previous)
        {
            if (node.Value.Type.Key == typeKey)
            {
                yield return node.Value;
            }
        }
    }
}
