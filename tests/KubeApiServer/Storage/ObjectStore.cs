using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Http;
using Serverless.KubeApiServer.Resources;
using Serverless.KubeApiServer.Schema;
using Serverless.KubeApiServer.Selectors;
using Serverless.KubeApiServer.Validation;
using static Serverless.KubeApiServer.Storage.ObjectJson;

namespace Serverless.KubeApiServer.Storage;

/// <summary>
/// The double's etcd and registry: every object of every kind under one global resourceVersion, a bounded history
/// of changes for watches and old lists, and the API server's write rules — decoding, defaulting and validation
/// through each kind's <see cref="ResourceStrategy"/>, preconditions, generation, subresource halves, managed fields,
/// dry runs, namespaces that must exist, finalizers and ownerReference garbage collection.
/// </summary>
/// <remarks>
/// Thread-safe: one lock orders every write, its history entry and its delivery to watches, so a watch sees changes
/// in resourceVersion order. Objects handed out are copies. The write rules stay together for that reason: each
/// relies on running under the lock that also orders history and delivery.
/// </remarks>
internal sealed class ObjectStore : IDisposable
{
    private static readonly string[] SystemNamespaces = ["default", "kube-node-lease", "kube-public", "kube-system"];

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly KubeApiDoubleOptions _options;
    private readonly Dictionary<string, ResourceType> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ResourceStrategy> _strategies = new(StringComparer.Ordinal);
    private readonly ObjectIndex _objects = new();
    private readonly ChangeHistory _history;
    private readonly List<WatchChannel> _watches = [];

    // Objects marked for deletion with a garbage-collector finalizer (foregroundDeletion, orphan), finished by
    // CollectGarbage once the collector's delay has passed.
    private readonly HashSet<(string Type, string Namespace, string Name)> _finalizing = [];
    private ITimer? _collector;
    private bool _collectorArmed;
    private long _resourceVersion = 1;

    public ObjectStore(TimeProvider time, KubeApiDoubleOptions options)
    {
        _time = time;
        _options = options;
        _history = new ChangeHistory(options.HistoryLimit);
    }

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

    public IReadOnlyList<ResourceType> Types
    {
        get
        {
            lock (_gate)
            {
                return _types.Values.ToList();
            }
        }
    }

    public void Register(ResourceType type)
    {
        lock (_gate)
        {
            _types[$"{type.Group}/{type.Version}/{type.Plural}"] = type;
            _strategies[type.Key] = new ResourceStrategy(type, CustomResourceDefinitions.For(type), _options.ValidationRules);
        }
    }

    public ResourceType? Resolve(string group, string version, string plural)
    {
        lock (_gate)
        {
            return _types.GetValueOrDefault($"{group}/{version}/{plural}");
        }
    }

    public ResourceStrategy Strategy(ResourceType type)
    {
        lock (_gate)
        {
            return _strategies[type.Key];
        }
    }

    /// <summary>
    /// Creates the namespaces every cluster has, then forgets that history: like a real server that has been up a
    /// while, the double answers a watch or exact list from resourceVersion 1 with 410 Expired.
    /// </summary>
    public void Bootstrap()
    {
        lock (_gate)
        {
            foreach (var ns in SystemNamespaces)
            {
                CreateLocked(ResourceTypes.Namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, WriteOptions.Internal, keepStatus: false);
            }

            _history.Compact(_resourceVersion);
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

    /// <summary>
    /// A page of the list as of <see cref="ListQuery.AtVersion"/> (rebuilt from the history), in etcd's key order
    /// (name within a namespace, <c>namespace/name</c> across namespaces).
    /// </summary>
    /// <exception cref="ApiException">410 when the history no longer reaches back to the version; 504 for a version not reached yet.</exception>
    public ListPage ListPage(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, ListQuery query)
    {
        lock (_gate)
        {
            var version = query.AtVersion ?? _resourceVersion;
            if (version > _resourceVersion)
            {
                throw TooLarge(version);
            }

            if (version != _resourceVersion && !_history.Retains(version))
            {
                throw ApiException.Gone("The resourceVersion for the provided list is too old.");
            }

            var keyed = Snapshot(type, ns, version)
                .Where(o => labels.Matches(o) && fields.Matches(o))
                .Select(o => (Key: ListKey(type, ns, o), Object: o))
                .Where(o => query.After is null || string.CompareOrdinal(o.Key, query.After) > 0)
                .OrderBy(o => o.Key, StringComparer.Ordinal)
                .ToList();
            var page = query.Limit is { } limit && limit > 0 ? keyed.Take(limit).ToList() : keyed;
            var more = page.Count < keyed.Count;
            var filtered = !labels.IsEverything || !fields.IsEverything;
            return new ListPage(
                page.Select(o => (JsonObject)o.Object.DeepClone()).ToList(),
                version,
                more ? page[^1].Key : null,
                more && !filtered ? keyed.Count - page.Count : null);
        }
    }

    /// <summary>Fails with 410 when <paramref name="resourceVersion"/> is older than the history the store keeps.</summary>
    public void RequireRetained(long resourceVersion)
    {
        lock (_gate)
        {
            if (!_history.Retains(resourceVersion))
            {
                throw TooOld(resourceVersion);
            }
        }
    }

    /// <summary>A resourceVersion the store has not reached: the real server waits for it a few seconds, then answers 504.</summary>
    public void RequireReached(long resourceVersion)
    {
        lock (_gate)
        {
            if (resourceVersion > _resourceVersion)
            {
                throw TooLarge(resourceVersion);
            }
        }
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject body, WriteOptions? options = null, bool keepStatus = false)
    {
        lock (_gate)
        {
            return CreateLocked(type, ns, body, options ?? WriteOptions.Internal, keepStatus);
        }
    }

    /// <summary>
    /// The one write path for updates and patches: <paramref name="produce"/> turns a copy of the stored object
    /// into the candidate; the store then decodes it, applies the server's rules for <paramref name="part"/>,
    /// validates and tracks fields. A candidate that changes nothing is not written (no new resourceVersion, no
    /// event), as on a real server.
    /// </summary>
    public JsonObject Write(ResourceType type, string? ns, string name, WritePart part, Func<JsonObject, JsonObject> produce, WriteOptions? options = null)
    {
        options ??= WriteOptions.Internal;
        lock (_gate)
        {
            var strategy = _strategies[type.Key];
            var key = Key(type, ns, name);
            var current = Find(type, ns, name);
            var candidate = produce((JsonObject)current.DeepClone());
            strategy.Decode(candidate, options);
            var candidateMeta = Metadata(candidate);

            if (candidateMeta["name"]?.GetValue<string>() is { } bodyName && bodyName != name)
            {
                throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            var precondition = candidateMeta["resourceVersion"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(precondition) && precondition != Metadata(current)["resourceVersion"]?.GetValue<string>())
            {
                throw ApiException.Conflict(type, name);
            }

            var next = Prepare(type, part, current, candidate, name);
            strategy.TrackFields(current, next, part == WritePart.Status ? WithMetadataOf(next, candidate) : next, options, Timestamp());
            strategy.ValidateUpdate(next, current, statusOnly: part == WritePart.Status);
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

            if (options.DryRun)
            {
                return (JsonObject)next.DeepClone();
            }

            Metadata(next)["resourceVersion"] = Next();
            if (Metadata(next)["deletionTimestamp"] is not null && !HasFinalizers(next))
            {
                next = Commit(type, ChangeType.Deleted, key, next, current);
                CollectDependents(next, PropagationPolicy.Background);
                return (JsonObject)next.DeepClone();
            }

            return (JsonObject)Commit(type, ChangeType.Modified, key, next, current).DeepClone();
        }
    }

    /// <summary>
    /// Deletes the object, or marks it (deletionTimestamp) while finalizers remain. Foreground and Orphan add the
    /// garbage collector's finalizer (<c>foregroundDeletion</c>, <c>orphan</c>): the collector deletes or orphans the
    /// dependents at once, and lifts its finalizer after <see cref="KubeApiDoubleOptions.GarbageCollectionDelay"/>.
    /// Background dependents are collected at once, so tests need not wait for them.
    /// </summary>
    public JsonObject Delete(ResourceType type, string? ns, string name, PropagationPolicy policy, DeletePreconditions? preconditions = null, bool dryRun = false)
    {
        lock (_gate)
        {
            var current = Find(type, ns, name);
            var meta = Metadata(current);
            var qualified = type.Group.Length == 0 ? type.Kind : $"{type.Kind}.{type.Group}";
            if (preconditions?.Uid is { Length: > 0 } uid && uid != meta["uid"]?.GetValue<string>())
            {
                throw new ApiException(HttpStatusCode.Conflict, "Conflict",
                    $"Operation cannot be fulfilled on {qualified} \"{name}\": the UID in the precondition ({uid}) does not match the UID in record ({meta["uid"]}). The object might have been modified",
                    ApiException.StatusDetails(name, type.Group, type.Kind));
            }

            if (preconditions?.ResourceVersion is { Length: > 0 } version && version != meta["resourceVersion"]?.GetValue<string>())
            {
                throw new ApiException(HttpStatusCode.Conflict, "Conflict",
                    $"Operation cannot be fulfilled on {qualified} \"{name}\": the ResourceVersion in the precondition ({version}) does not match the ResourceVersion in record ({meta["resourceVersion"]}). The object might have been modified",
                    ApiException.StatusDetails(name, type.Group, type.Kind));
            }

            return DeleteLocked(type, current, policy, dryRun);
        }
    }

    /// <summary>
    /// The garbage collector's pass over objects marked with its finalizers: orphaned dependents lose their
    /// reference, foreground owners wait for blocking dependents, and the finalizer goes (and the object with it).
    /// </summary>
    public void CollectGarbage()
    {
        lock (_gate)
        {
            _collectorArmed = false;
            foreach (var key in _finalizing.ToList())
            {
                if (!_objects.TryGet(key, out var obj) || Metadata(obj)["deletionTimestamp"] is null)
                {
                    _finalizing.Remove(key);
                    continue;
                }

                var type = TypeOf(key);
                var finalizers = Finalizers(obj);
                if (finalizers.Contains("orphan"))
                {
                    CollectDependents(obj, PropagationPolicy.Orphan);
                    finalizers.Remove("orphan");
                }

                if (finalizers.Contains("foregroundDeletion"))
                {
                    if (Dependents(obj).Any(d => Blocks(d.Object, obj)))
                    {
                        continue;
                    }

                    finalizers.Remove("foregroundDeletion");
                }

                _finalizing.Remove(key);
                SetFinalizers(type, key, obj, finalizers);
            }

            ArmCollector();
        }
    }

    public void Compact()
    {
        lock (_gate)
        {
            _history.Compact(_resourceVersion);
        }
    }

    public WatchChannel OpenWatch(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, string? fromVersion, bool bookmarks, bool initialEventsEnd = false)
    {
        lock (_gate)
        {
            var watch = new WatchChannel(type, ns, labels, fields, bookmarks, _options.WatchBufferLimit);
            if (string.IsNullOrEmpty(fromVersion) || fromVersion == "0")
            {
                foreach (var obj in Matching(type, ns, labels, fields))
                {
                    watch.Send("ADDED", obj);
                }

                if (initialEventsEnd)
                {
                    watch.Send("BOOKMARK", Bookmark(type, new JsonObject { ["k8s.io/initial-events-end"] = "true" }));
                }
            }
            else
            {
                var from = long.Parse(fromVersion, NumberStyles.None, CultureInfo.InvariantCulture);
                if (!_history.Retains(from))
                {
                    // A real server accepts the watch and then reports the expiry inside the stream.
                    watch.Send("ERROR", StatusObjects.Failure(TooOld(from)));
                    watch.Complete();
                    return watch;
                }

                foreach (var change in _history.After(from, type.Key))
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

    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var watch in _watches.Where(w => w.Bookmarks))
            {
                watch.Send("BOOKMARK", Bookmark(watch.Type, annotations: null));
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _collector?.Dispose();
            _collector = null;
        }
    }

    private JsonObject CreateLocked(ResourceType type, string? ns, JsonObject body, WriteOptions options, bool keepStatus)
    {
        var strategy = _strategies[type.Key];
        var obj = (JsonObject)body.DeepClone();
        var meta = Metadata(obj);
        CheckNamespace(type, ns, meta);
        strategy.Decode(obj, options);
        meta = Metadata(obj);
        if (string.IsNullOrEmpty(meta["name"]?.GetValue<string>()) && meta["generateName"]?.GetValue<string>() is { Length: > 0 } prefix)
        {
            meta["name"] = prefix + RandomSuffix();
        }

        if (type.HasStatus && !keepStatus)
        {
            obj.Remove("status");
        }

        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = Timestamp();
        meta["generation"] = 1;
        foreach (var field in (string[])["deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "resourceVersion", "selfLink"])
        {
            meta.Remove(field);
        }

        if (type.Namespaced)
        {
            meta["namespace"] = ns;
            RequireNamespace(ns, options);
        }

        strategy.ValidateCreate(obj);
        var name = meta["name"]!.GetValue<string>();
        var key = Key(type, ns, name);
        if (_objects.Contains(key))
        {
            throw ApiException.AlreadyExists(type, name);
        }

        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        strategy.TrackFields(new JsonObject(), obj, obj, options, Timestamp());
        RemoveNulls(obj);
        if (options.DryRun)
        {
            return (JsonObject)obj.DeepClone();
        }

        meta["resourceVersion"] = Next();
        return (JsonObject)Commit(type, ChangeType.Added, key, obj, previous: null).DeepClone();
    }

    // The strategy's PrepareForUpdate: a status write changes only status; a main write keeps the stored status
    // (when the kind has a status subresource) and the server-owned metadata.
    private static JsonObject Prepare(ResourceType type, WritePart part, JsonObject current, JsonObject candidate, string name)
    {
        if (part == WritePart.Status)
        {
            var next = (JsonObject)current.DeepClone();
            SetOrRemove(next, "status", candidate["status"]);
            return next;
        }

        var main = (JsonObject)candidate.DeepClone();
        if (type.HasStatus)
        {
            SetOrRemove(main, "status", current["status"]);
        }

        CheckImmutable(type, name, current, main);
        var nextMeta = Metadata(main);
        var currentMeta = Metadata(current);
        foreach (var field in (string[])["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace"])
        {
            nextMeta[field] = currentMeta[field]?.DeepClone();
        }

        nextMeta["name"] = name;
        return main;
    }

    // What the field manager compares for a status write: the new status with the metadata as the request sent it.
    private static JsonObject WithMetadataOf(JsonObject next, JsonObject candidate)
    {
        var view = (JsonObject)next.DeepClone();
        var metadata = (JsonObject)Metadata(candidate).DeepClone();
        metadata.Remove("managedFields");
        view["metadata"] = metadata;
        return view;
    }

    private static void SetOrRemove(JsonObject obj, string key, JsonNode? value)
    {
        if (value is null)
        {
            obj.Remove(key);
        }
        else
        {
            obj[key] = value.DeepClone();
        }
    }

    private void RequireNamespace(string? ns, WriteOptions options)
    {
        if (ns is null || _objects.Contains(Key(ResourceTypes.Namespaces, null, ns)))
        {
            return;
        }

        if (!options.CreatesNamespace)
        {
            throw new ApiException(HttpStatusCode.NotFound, "NotFound", $"namespaces \"{ns}\" not found", ApiException.StatusDetails(ns, "", "namespaces"));
        }

        CreateLocked(ResourceTypes.Namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, WriteOptions.Internal, keepStatus: false);
    }

    private JsonObject DeleteLocked(ResourceType type, JsonObject current, PropagationPolicy policy, bool dryRun)
    {
        var meta = Metadata(current);
        var key = Key(type, meta["namespace"]?.GetValue<string>(), meta["name"]!.GetValue<string>());
        var collectorFinalizer = policy switch
        {
            PropagationPolicy.Foreground => "foregroundDeletion",
            PropagationPolicy.Orphan => "orphan",
            _ => null,
        };

        if (HasFinalizers(current) || collectorFinalizer is not null)
        {
            if (meta["deletionTimestamp"] is not null)
            {
                return (JsonObject)current.DeepClone();
            }

            var marked = (JsonObject)current.DeepClone();
            var markedMeta = Metadata(marked);
            if (collectorFinalizer is not null && !Finalizers(marked).Contains(collectorFinalizer))
            {
                markedMeta["finalizers"] = new JsonArray([.. Finalizers(marked).Select(f => (JsonNode?)JsonValue.Create(f)), JsonValue.Create(collectorFinalizer)]);
            }

            markedMeta["deletionTimestamp"] = Timestamp();
            markedMeta["deletionGracePeriodSeconds"] = 0;
            if (JsonNumber.Long(markedMeta["generation"]) is > 0 and var generation)
            {
                markedMeta["generation"] = generation + 1;
            }

            if (dryRun)
            {
                return marked;
            }

            markedMeta["resourceVersion"] = Next();
            marked = Commit(type, ChangeType.Modified, key, marked, current);
            if (collectorFinalizer is not null)
            {
                // The collector's first part happens now (dependents deleted or orphaned); lifting its
                // finalizer waits for its next pass, so the owner is seen marked as on a real cluster.
                CollectDependents(marked, collectorFinalizer == "orphan" ? PropagationPolicy.Orphan : PropagationPolicy.Background);
                _finalizing.Add(key);
                ArmCollector();
            }

            return (JsonObject)marked.DeepClone();
        }

        if (dryRun)
        {
            return (JsonObject)current.DeepClone();
        }

        var deleted = (JsonObject)current.DeepClone();
        Metadata(deleted)["resourceVersion"] = Next();
        deleted = Commit(type, ChangeType.Deleted, key, deleted, current);
        CollectDependents(deleted, PropagationPolicy.Background);
        return (JsonObject)deleted.DeepClone();
    }

    private void SetFinalizers(ResourceType type, (string, string, string) key, JsonObject current, List<string> finalizers)
    {
        var next = (JsonObject)current.DeepClone();
        Metadata(next)["finalizers"] = finalizers.Count == 0 ? null : new JsonArray(finalizers.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        RemoveNulls(next);
        Metadata(next)["resourceVersion"] = Next();
        if (finalizers.Count == 0)
        {
            next = Commit(type, ChangeType.Deleted, key, next, current);
            CollectDependents(next, PropagationPolicy.Background);
            return;
        }

        Commit(type, ChangeType.Modified, key, next, current);
    }

    private void ArmCollector()
    {
        if (_finalizing.Count == 0 || _collectorArmed)
        {
            return;
        }

        _collector ??= _time.CreateTimer(_ => CollectGarbage(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _collector.Change(_options.GarbageCollectionDelay, Timeout.InfiniteTimeSpan);
        _collectorArmed = true;
    }

    // The garbage collector's rule: a dependent goes when none of its owners exists any more;
    // Orphan instead strips the reference to the deleted owner.
    private void CollectDependents(JsonObject owner, PropagationPolicy policy)
    {
        var uid = Metadata(owner)["uid"]?.GetValue<string>();
        var dependents = Dependents(owner).ToList();
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

            var type = TypeOf(key);
            var remainingOwners = OwnerUids(dependent).Where(u => u != uid && liveUids.Contains(u)).ToList();
            if (policy == PropagationPolicy.Orphan || remainingOwners.Count > 0)
            {
                var next = (JsonObject)dependent.DeepClone();
                var refs = (JsonArray)Metadata(next)["ownerReferences"]!;
                foreach (var reference in refs.Where(r => r?["uid"]?.GetValue<string>() == uid).ToList())
                {
                    refs.Remove(reference);
                }

                if (refs.Count == 0)
                {
                    Metadata(next).Remove("ownerReferences");
                }

                Metadata(next)["resourceVersion"] = Next();
                Commit(type, ChangeType.Modified, key, next, dependent);
            }
            else
            {
                DeleteLocked(type, dependent, PropagationPolicy.Background, dryRun: false);
            }
        }
    }

    private IEnumerable<((string Type, string Namespace, string Name) Key, JsonObject Object)> Dependents(JsonObject owner)
    {
        var uid = Metadata(owner)["uid"]?.GetValue<string>();
        return _objects.All
            .Where(pair => OwnerUids(pair.Value).Contains(uid))
            .Select(pair => (pair.Key, pair.Value))
            .ToList();
    }

    private static bool Blocks(JsonObject dependent, JsonObject owner)
    {
        var uid = Metadata(owner)["uid"]?.GetValue<string>();
        return Metadata(dependent)["ownerReferences"] is JsonArray refs
            && refs.Any(r => r?["uid"]?.GetValue<string>() == uid && r?["blockOwnerDeletion"]?.GetValue<bool>() == true);
    }

    /// <summary>
    /// Stores (or removes) the object and records the change. The object is stored as parsed JSON, as etcd holds it,
    /// so a number reads back as any numeric type fits it, whatever CLR type built it.
    /// </summary>
    private JsonObject Commit(ResourceType type, ChangeType change, (string, string, string) key, JsonObject obj, JsonObject? previous)
    {
        var stored = (JsonObject)JsonNode.Parse(obj.ToJsonString())!;
        if (change == ChangeType.Deleted)
        {
            _objects.Remove(key);
        }
        else
        {
            _objects.Set(key, stored);
        }

        Record(type, change, stored, previous);
        return stored;
    }

    private void Record(ResourceType type, ChangeType change, JsonObject obj, JsonObject? previous)
    {
        var version = Metadata(obj)["resourceVersion"]!.GetValue<string>();
        var stored = new StoredChange(long.Parse(version, CultureInfo.InvariantCulture), type, change, obj, previous);
        _history.Add(stored);
        foreach (var watch in _watches.Where(w => w.Type == type))
        {
            watch.Deliver(stored);
        }

        Committed?.Invoke(stored);
    }

    // The kind's objects as they were at `version`: the current ones with every later change undone.
    private IEnumerable<JsonObject> Snapshot(ResourceType type, string? ns, long version)
    {
        var objects = _objects.OfType(type.Key, type.Namespaced ? ns : null);
        if (version == _resourceVersion)
        {
            return objects;
        }

        var state = objects.ToDictionary(o => (Metadata(o)["namespace"]?.GetValue<string>() ?? "", Metadata(o)["name"]!.GetValue<string>()));
        foreach (var change in _history.NewestFirstAfter(version, type.Key))
        {
            var meta = Metadata(change.Object);
            var objectNamespace = meta["namespace"]?.GetValue<string>() ?? "";
            if (type.Namespaced && ns is not null && objectNamespace != ns)
            {
                continue;
            }

            var key = (objectNamespace, meta["name"]!.GetValue<string>());
            if (change.Change == ChangeType.Added)
            {
                state.Remove(key);
            }
            else if (change.Previous is not null)
            {
                state[key] = change.Previous;
            }
        }

        return state.Values;
    }

    private static string ListKey(ResourceType type, string? ns, JsonObject obj)
    {
        var meta = Metadata(obj);
        var name = meta["name"]!.GetValue<string>();
        return type.Namespaced && ns is null ? $"{meta["namespace"]?.GetValue<string>()}/{name}" : name;
    }

    private ResourceType TypeOf((string Type, string Namespace, string Name) key) => _types.Values.First(t => t.Key == key.Type);

    private IEnumerable<JsonObject> Matching(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields) =>
        _objects.OfType(type.Key, type.Namespaced ? ns : null).Where(o => labels.Matches(o) && fields.Matches(o));

    private JsonObject Find(ResourceType type, string? ns, string name) =>
        _objects.TryGet(Key(type, ns, name), out var obj) ? obj : throw ApiException.NotFound(type, name);

    private static (string, string, string) Key(ResourceType type, string? ns, string name) =>
        (type.Key, type.Namespaced ? ns ?? "" : "", name);

    private static List<string> Finalizers(JsonObject obj) =>
        (Metadata(obj)["finalizers"] as JsonArray ?? []).Select(f => f?.GetValue<string>() ?? "").ToList();

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

    private JsonObject Bookmark(ResourceType type, JsonObject? annotations)
    {
        var meta = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (annotations is not null)
        {
            meta["annotations"] = annotations;
        }

        return new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = meta };
    }

    private string Next() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private string Timestamp() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

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

    private ApiException TooOld(long version) => ApiException.Gone($"too old resource version: {version} ({_history.CompactedThrough})");

    private ApiException TooLarge(long version) => new(
        HttpStatusCode.GatewayTimeout,
        "Timeout",
        $"Timeout: Too large resource version: {version}, current: {_resourceVersion}",
        new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ResourceVersionTooLarge", ["message"] = "Too large resource version" }),
            ["retryAfterSeconds"] = 1,
        });
}
