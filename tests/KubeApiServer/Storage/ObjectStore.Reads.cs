using System.Net;
using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Http;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Selectors;
using static Serverless.KubeApiServer.Storage.ObjectJson;

namespace Serverless.KubeApiServer.Storage;

/// <summary>The store's reads: objects, lists and pages as of a resourceVersion (rebuilt from the history), and the 410/504 checks.</summary>
internal sealed partial class ObjectStore
{
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

    private IEnumerable<JsonObject> Matching(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields) =>
        _objects.OfType(type.Key, type.Namespaced ? ns : null).Where(o => labels.Matches(o) && fields.Matches(o));

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
