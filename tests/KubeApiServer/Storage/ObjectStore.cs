using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Http;
using Serverless.KubeApiServer.Resources;
using Serverless.KubeApiServer.Selectors;
using static Serverless.KubeApiServer.Storage.ObjectJson;

namespace Serverless.KubeApiServer.Storage;

/// <summary>
/// The double's etcd: every object of every kind under one global resourceVersion, a bounded
/// history of changes for watches, and the API server's write rules (preconditions, generation,
/// subresource halves, finalizers, ownerReference garbage collection).
/// </summary>
/// <remarks>
/// Thread-safe: one lock orders every write, its history entry and its delivery to watches, so a
/// watch sees changes in resourceVersion order. Objects handed out are copies. The write rules stay in this
/// one file for that reason: each of them relies on running under the lock that also orders history and delivery.
/// </remarks>
internal sealed class ObjectStore(TimeProvider time, int historyLimit, int watchBufferLimit)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ResourceType> _types = new(StringComparer.Ordinal);
    private readonly ObjectIndex _objects = new();
    private readonly LinkedList<StoredChange> _history = new();
    private readonly List<WatchChannel> _watches = [];
    private long _resourceVersion = 1;

    // Every change with a version above this is still in _history; a watch from an older version gets 410.
    private long _compactedThrough = 1;

    /// <summary>Raised under the store's lock after each commit: handlers must be quick and must not call back into the store.</summary>
    public event Action<StoredChange>? Committed;

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    public void Register(ResourceType type)
    {
        lock (_gate)
        {
            _types[$"{type.Group}/{type.Version}/{type.Plural}"] = type;
        }
    }

    public ResourceType? Resolve(string group, string version, string plural)
    {
        lock (_gate)
        {
            return _types.GetValueOrDefault($"{group}/{version}/{plural}");
        }
    }

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return (JsonObject)Find(type, ns, name).DeepClone();
        }
    }

    public JsonObject? TryGet(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return _objects.TryGet(Key(type, ns, name), out var obj) ? (JsonObject)obj.DeepClone() : null;
        }
    }

    public (List<JsonObject> Items, long ResourceVersion) List(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
    {
        lock (_gate)
        {
            var items = Matching(type, ns, labels, fields).Select(o => (JsonObject)o.DeepClone()).ToList();
            return (items, _resourceVersion);
        }
    }

    /// <summary>Fails with 410 when <paramref name="resourceVersion"/> is older than the history the store keeps.</summary>
    public void RequireRetained(long resourceVersion)
    {
        lock (_gate)
        {
            if (resourceVersion < _compactedThrough)
            {
                throw TooOld(resourceVersion);
            }
        }
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject body, bool keepStatus = false)
    {
        lock (_gate)
        {
            var obj = (JsonObject)body.DeepClone();
            var meta = Metadata(obj);
            if (meta["name"] is null && meta["generateName"]?.GetValue<string>() is { Length: > 0 } prefix)
            {
                meta["name"] = prefix + RandomSuffix();
            }

            var name = meta["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name))
            {
                throw ApiException.Invalid($"{type.Kind} is invalid: metadata.name: Required value: name or generateName is required");
            }

            CheckNamespace(type, ns, meta);
            var key = Key(type, ns, name);
            if (_objects.Contains(key))
            {
                throw ApiException.AlreadyExists(Describe(type), name);
            }

            obj["apiVersion"] = type.ApiVersion;
            obj["kind"] = type.Kind;
            if (type.HasStatus && !keepStatus)
            {
                obj.Remove("status");
            }

            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Timestamp();
            meta["generation"] = 1;
            meta.Remove("deletionTimestamp");
            meta.Remove("managedFields");
            if (type.Namespaced)
            {
                meta["namespace"] = ns;
            }

            RemoveNulls(obj);
            meta["resourceVersion"] = Next();
            _objects.Set(key, obj);
            Record(type, ChangeType.Added, obj, previous: null);
            return (JsonObject)obj.DeepClone();
        }
    }

    /// <summary>
    /// The one write path for updates and patches: <paramref name="produce"/> turns a copy of the stored
    /// object into the candidate; the store then applies the server's rules for <paramref name="part"/>.
    /// A candidate that changes nothing is not written (no new resourceVersion, no event), as on a real server.
    /// </summary>
    public JsonObject Write(ResourceType type, string? ns, string name, WritePart part, Func<JsonObject, JsonObject> produce)
    {
        lock (_gate)
        {
            var key = Key(type, ns, name);
            var current = Find(type, ns, name);
            var candidate = produce((JsonObject)current.DeepClone());
            var candidateMeta = Metadata(candidate);

            var precondition = candidateMeta["resourceVersion"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(precondition) && precondition != Metadata(current)["resourceVersion"]?.GetValue<string>())
            {
                throw ApiException.Conflict(Describe(type), name);
            }

            if (candidateMeta["name"]?.GetValue<string>() is { } bodyName && bodyName != name)
            {
                throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            JsonObject next;
            if (part == WritePart.Status)
            {
                next = (JsonObject)current.DeepClone();
                next["status"] = candidate["status"]?.DeepClone();
            }
            else
            {
                next = (JsonObject)candidate.DeepClone();
                if (type.HasStatus)
                {
                    next["status"] = current["status"]?.DeepClone();
                }

                CheckImmutable(type, name, current, next);
                var nextMeta = Metadata(next);
                var currentMeta = Metadata(current);
                foreach (var field in (string[])["uid", "creationTimestamp", "deletionTimestamp", "generation", "namespace"])
                {
                    nextMeta[field] = currentMeta[field]?.DeepClone();
                }

                nextMeta["name"] = name;
                nextMeta.Remove("managedFields");
            }

            next["apiVersion"] = type.ApiVersion;
            next["kind"] = type.Kind;
            RemoveNulls(next);
            Metadata(next)["resourceVersion"] = Metadata(current)["resourceVersion"]?.DeepClone();
            if (JsonNode.DeepEquals(next, current))
            {
                return (JsonObject)current.DeepClone();
            }

            if (!JsonNode.DeepEquals(WithoutMetaAndStatus(next), WithoutMetaAndStatus(current)))
            {
                Metadata(next)["generation"] = (JsonNumber.Long(Metadata(current)["generation"]) ?? 0) + 1;
            }

            Metadata(next)["resourceVersion"] = Next();
            if (Metadata(next)["deletionTimestamp"] is not null && !HasFinalizers(next))
            {
                _objects.Remove(key);
                Record(type, ChangeType.Deleted, next, current);
                CollectDependents(next, PropagationPolicy.Background);
                return (JsonObject)next.DeepClone();
            }

            _objects.Set(key, next);
            Record(type, ChangeType.Modified, next, current);
            return (JsonObject)next.DeepClone();
        }
    }

    /// <summary>
    /// Deletes the object, or only marks it (deletionTimestamp) while finalizers remain.
    /// Dependents are collected at once rather than in the background, so tests need not wait for it.
    /// </summary>
    public JsonObject Delete(ResourceType type, string? ns, string name, PropagationPolicy policy, string? precondition)
    {
        lock (_gate)
        {
            var current = Find(type, ns, name);
            if (!string.IsNullOrEmpty(precondition) && precondition != Metadata(current)["resourceVersion"]?.GetValue<string>())
            {
                throw ApiException.Conflict(Describe(type), name);
            }

            return DeleteLocked(type, current, policy);
        }
    }

    public void Compact()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedThrough = _resourceVersion;
        }
    }

    public WatchChannel OpenWatch(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, string? fromVersion, bool bookmarks)
    {
        lock (_gate)
        {
            var watch = new WatchChannel(type, ns, labels, fields, bookmarks, watchBufferLimit);
            if (string.IsNullOrEmpty(fromVersion) || fromVersion == "0")
            {
                foreach (var obj in Matching(type, ns, labels, fields))
                {
                    watch.Send("ADDED", obj);
                }
            }
            else
            {
                if (!long.TryParse(fromVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                {
                    throw ApiException.BadRequest($"invalid resourceVersion '{fromVersion}'");
                }

                if (from < _compactedThrough)
                {
                    // A real server accepts the watch and then reports the expiry inside the stream.
                    watch.Send("ERROR", StatusObjects.Failure(HttpStatusCode.Gone, "Expired", TooOld(from).Message));
                    watch.Complete();
                    return watch;
                }

                foreach (var change in _history.Where(c => c.ResourceVersion > from && c.Type == type))
                {
                    watch.Deliver(change);
                }
            }

            _watches.Add(watch);
            return watch;
        }
    }

    public void CloseWatch(WatchChannel watch)
    {
        lock (_gate)
        {
            _watches.Remove(watch);
            watch.Complete();
        }
    }

    /// <summary>Ends every open watch, with a 410 ERROR event first when <paramref name="expired"/>.</summary>
    public int EndWatches(bool expired)
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                if (expired)
                {
                    watch.Send("ERROR", StatusObjects.Failure(HttpStatusCode.Gone, "Expired", "too old resource version (watch expired by the test)"));
                }

                watch.Complete();
            }

            var count = _watches.Count;
            _watches.Clear();
            return count;
        }
    }

    public int WatchCount
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }

    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var watch in _watches.Where(w => w.Bookmarks))
            {
                watch.Send("BOOKMARK", new JsonObject
                {
                    ["kind"] = watch.Type.Kind,
                    ["apiVersion"] = watch.Type.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(CultureInfo.InvariantCulture) },
                });
            }
        }
    }

    private JsonObject DeleteLocked(ResourceType type, JsonObject current, PropagationPolicy policy)
    {
        var meta = Metadata(current);
        var name = meta["name"]!.GetValue<string>();
        var ns = meta["namespace"]?.GetValue<string>();
        if (HasFinalizers(current))
        {
            if (meta["deletionTimestamp"] is not null)
            {
                return (JsonObject)current.DeepClone();
            }

            var marked = (JsonObject)current.DeepClone();
            Metadata(marked)["deletionTimestamp"] = Timestamp();
            Metadata(marked)["resourceVersion"] = Next();
            _objects.Set(Key(type, ns, name), marked);
            Record(type, ChangeType.Modified, marked, current);
            return (JsonObject)marked.DeepClone();
        }

        _objects.Remove(Key(type, ns, name));
        var deleted = (JsonObject)current.DeepClone();
        Metadata(deleted)["resourceVersion"] = Next();
        Record(type, ChangeType.Deleted, deleted, current);
        CollectDependents(deleted, policy);
        return (JsonObject)deleted.DeepClone();
    }

    // The garbage collector's rule: a dependent goes when none of its owners exists any more;
    // Orphan instead strips the reference to the deleted owner.
    private void CollectDependents(JsonObject owner, PropagationPolicy policy)
    {
        var uid = Metadata(owner)["uid"]?.GetValue<string>();
        var dependents = _objects.All
            .Where(pair => OwnerUids(pair.Value).Contains(uid))
            .Select(pair => (pair.Key, Object: pair.Value))
            .ToList();
        if (dependents.Count == 0)
        {
            return;
        }

        var liveUids = _objects.All.Select(pair => Metadata(pair.Value)["uid"]?.GetValue<string>()).ToHashSet();
        foreach (var (key, dependent) in dependents)
        {
            if (!_objects.Contains(key))
            {
                continue;
            }

            var type = _types.Values.First(t => t.Key == key.Type);
            var remainingOwners = OwnerUids(dependent).Where(u => u != uid && liveUids.Contains(u)).ToList();
            if (policy == PropagationPolicy.Orphan || remainingOwners.Count > 0)
            {
                var next = (JsonObject)dependent.DeepClone();
                var refs = (JsonArray)Metadata(next)["ownerReferences"]!;
                foreach (var reference in refs.Where(r => r?["uid"]?.GetValue<string>() == uid).ToList())
                {
                    refs.Remove(reference);
                }

                Metadata(next)["resourceVersion"] = Next();
                _objects.Set(key, next);
                Record(type, ChangeType.Modified, next, dependent);
            }
            else
            {
                DeleteLocked(type, dependent, PropagationPolicy.Background);
            }
        }
    }

    private void Record(ResourceType type, ChangeType change, JsonObject obj, JsonObject? previous)
    {
        var version = Metadata(obj)["resourceVersion"]!.GetValue<string>();
        var stored = new StoredChange(long.Parse(version, CultureInfo.InvariantCulture), type, change, obj, previous);
        _history.AddLast(stored);
        while (_history.Count > historyLimit)
        {
            _compactedThrough = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        foreach (var watch in _watches.Where(w => w.Type == type))
        {
            watch.Deliver(stored);
        }

        Committed?.Invoke(stored);
    }

    private IEnumerable<JsonObject> Matching(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields) =>
        _objects.OfType(type.Key, type.Namespaced ? ns : null).Where(o => labels.Matches(o) && fields.Matches(o));

    private JsonObject Find(ResourceType type, string? ns, string name) =>
        _objects.TryGet(Key(type, ns, name), out var obj) ? obj : throw ApiException.NotFound(Describe(type), name);

    private static (string, string, string) Key(ResourceType type, string? ns, string name) =>
        (type.Key, type.Namespaced ? ns ?? "" : "", name);

    private static void CheckNamespace(ResourceType type, string? ns, JsonObject meta)
    {
        if (type.Namespaced && meta["namespace"]?.GetValue<string>() is { Length: > 0 } bodyNamespace && bodyNamespace != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    private static void CheckImmutable(ResourceType type, string name, JsonObject current, JsonObject next)
    {
        if (type.Kind == "ConfigMap"
            && current["immutable"]?.GetValue<bool>() == true
            && (!JsonNode.DeepEquals(current["data"], next["data"]) || !JsonNode.DeepEquals(current["binaryData"], next["binaryData"])))
        {
            throw ApiException.Invalid($"ConfigMap \"{name}\" is invalid: data: Forbidden: field is immutable when `immutable` is set");
        }
    }

    private string Next() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private string Timestamp() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
    }

    private static string Describe(ResourceType type) => type.Group.Length == 0 ? type.Plural : $"{type.Plural}.{type.Group}";

    private static ApiException TooOld(long version) => ApiException.Gone($"too old resource version: {version}");
}
