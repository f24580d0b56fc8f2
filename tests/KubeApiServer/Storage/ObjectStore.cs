using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Http;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Schema;
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
/// in resourceVersion order. Objects handed out are copies. The rules stay in one type for that reason (each relies on
/// running under the lock that also orders history and delivery); its parts are split by concern across files:
/// writes here, reads, deletion and watches in ObjectStore.{Reads,Deletion,Watches}.cs.
/// </remarks>
internal sealed partial class ObjectStore : IDisposable
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
            _strategies[type.Key] = new ResourceStrategy(type, Definition(type), _options.ValidationRules);
        }
    }

    /// <summary>The definition storage uses for <paramref name="type"/>: an installed replacement, else deploy/crds'.</summary>
    private CustomResourceDefinition? Definition(ResourceType type) =>
        _options.CustomResourceDefinitions.Select(CustomResourceDefinitions.Parse)
            .FirstOrDefault(d => d.Type.Group == type.Group && d.Type.Version == type.Version && d.Type.Plural == type.Plural)
        ?? CustomResourceDefinitions.For(type);

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
            var requested = Metadata(candidate)["managedFields"] as JsonArray;
            strategy.TrackFields(current, next, part == WritePart.Status ? WithMetadataOf(next, candidate) : next, requested, options, Timestamp());

            // An apply may have removed fields it stopped applying: their defaults come back, as the real server defaults the result.
            strategy.Default(next);
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

        strategy.PrepareForCreate(obj);

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
        if (type == ResourceTypes.Pods)
        {
            AdmitPodLocked(ns ?? "", obj);
        }

        var name = meta["name"]!.GetValue<string>();
        var key = Key(type, ns, name);
        if (_objects.Contains(key))
        {
            throw ApiException.AlreadyExists(type, name);
        }

        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        strategy.TrackFields(new JsonObject(), obj, obj, body["metadata"]?["managedFields"] as JsonArray, options, Timestamp());
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
        if (type == ResourceTypes.Pods || (type == ResourceTypes.ResourceQuotas && change != ChangeType.Deleted))
        {
            RecomputeQuotasLocked(key.Item2);
        }

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

    private ResourceType TypeOf((string Type, string Namespace, string Name) key) => _types.Values.First(t => t.Key == key.Type);

    private JsonObject Find(ResourceType type, string? ns, string name) =>
        _objects.TryGet(Key(type, ns, name), out var obj) ? obj : throw ApiException.NotFound(type, name);

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
}
