using System.Collections.Concurrent;
using System.Globalization;
using k8s.Models;
using Serverless.Core.Contracts;

namespace Serverless.Hosting.Informers;

/// <summary>
/// An informer's cache seen through the controller's own latest writes: the object a create or a status write answered
/// is read back at once, before the watch brings it. The controller's next decision then starts from what it wrote
/// (a just-cut Revision's uid for its Deployment's ownerReference, the status it wrote a moment ago), not from a cache
/// that has not caught up, which cost a reconcile pass and a repeated write each.
/// </summary>
/// <remarks>
/// <para>
/// An entry only ever shadows an older view: it is dropped as soon as the informer shows that object at the same or a
/// later resourceVersion, or its deletion, and a cache entry that is newer wins over it. Newer is decided by the
/// resourceVersion as the integer etcd (and the API double) gives; an object whose versions do not parse as integers is
/// taken as caught up by any event of the same uid. So the cache never gets an older view back through this overlay,
/// and a write of someone else made after ours is seen once the informer has it.
/// </para>
/// <para>Bounded by the writes whose watch events are still on their way. Thread-safe.</para>
/// </remarks>
public sealed class WrittenObjects<T> where T : class, k8s.IKubernetesObject<V1ObjectMeta>
{
    private readonly ResourceInformer<T> _informer;
    private readonly ConcurrentDictionary<FunctionKey, T> _written = new();

    public WrittenObjects(ResourceInformer<T> informer)
    {
        _informer = informer;
        informer.Changed += OnChanged;
    }

    /// <summary>The informer behind the overlay (its events, its sync state).</summary>
    public ResourceInformer<T> Informer => _informer;

    /// <summary>Keeps what the API server answered a write of ours (created or status written), unless a newer view is known.</summary>
    public void Remember(T written)
    {
        var key = ResourceInformer<T>.KeyOf(written);
        if (_informer.TryGet(key, out var cached) && cached is not null && !IsNewer(written, cached))
        {
            return;
        }

        _written.AddOrUpdate(key, written, (_, known) => IsNewer(written, known) ? written : known);
    }

    /// <summary>The newest view of the object: ours while the informer has not caught up with it, else the cache's (shared: do not mutate).</summary>
    public T? Get(FunctionKey key)
    {
        _informer.TryGet(key, out var cached);
        if (!_written.TryGetValue(key, out var mine))
        {
            return cached;
        }

        if (cached is not null && !IsNewer(mine, cached))
        {
            _written.TryRemove(new KeyValuePair<FunctionKey, T>(key, mine));
            return cached;
        }

        return mine;
    }

    /// <summary>The objects that <paramref name="match"/> (every object without it), each in its newest known view.</summary>
    /// <remarks>Costs a pass over the cache and the (few) writes not caught up with; nothing is copied but the list.</remarks>
    public IReadOnlyList<T> List(Func<T, bool>? match = null)
    {
        var written = _written.IsEmpty ? null : new HashSet<FunctionKey>(_written.Keys);
        var list = new List<T>();
        foreach (var item in _informer.List())
        {
            var key = ResourceInformer<T>.KeyOf(item);
            var newest = written is not null && written.Remove(key) ? Get(key) ?? item : item;
            if (match is null || match(newest))
            {
                list.Add(newest);
            }
        }

        foreach (var key in written ?? [])
        {
            if (Get(key) is { } mine && (match is null || match(mine)))
            {
                list.Add(mine);
            }
        }

        return list;
    }

    private void OnChanged(ResourceEvent<T> change)
    {
        var key = ResourceInformer<T>.KeyOf(change.Object);
        if (!_written.TryGetValue(key, out var mine))
        {
            return;
        }

        var sameObject = mine.Metadata.Uid == change.Object.Metadata.Uid;
        if ((sameObject && change.Type == WatchEventType.Deleted) || !IsNewer(mine, change.Object))
        {
            _written.TryRemove(new KeyValuePair<FunctionKey, T>(key, mine));
        }
    }

    /// <summary>Whether <paramref name="a"/> is a later view than <paramref name="b"/>.</summary>
    private static bool IsNewer(T a, T b)
    {
        if (long.TryParse(a.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var left)
            && long.TryParse(b.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var right))
        {
            return left > right;
        }

        // Opaque versions: the same object seen again means the informer has caught up; another object is older
        // (ours was created after it was gone, or the create would have failed).
        return a.Metadata.Uid != b.Metadata.Uid;
    }
}
