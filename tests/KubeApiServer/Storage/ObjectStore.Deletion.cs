using System.Net;
using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Http;
using Serverless.Hosting.KubeApi.Resources;
using static Serverless.KubeApiServer.Storage.ObjectJson;

namespace Serverless.KubeApiServer.Storage;

/// <summary>The store's deletion rules: preconditions, finalizers, the garbage collector's foreground and orphan finalizers, and dependents.</summary>
internal sealed partial class ObjectStore
{
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

            CollectOrphanedDependentsLocked();
            ArmCollector();
        }
    }

    /// <summary>
    /// The real collector's other half: it deletes a dependent none of whose owners exists whenever it looks at it, not
    /// only when it sees an owner go. So an object created after its owner was deleted (a controller acting on a stale
    /// cache) is collected as well; the store alone would keep it, since no deletion event of its owner follows. One
    /// pass: each deletion collects the deleted object's own dependents (<see cref="CollectDependents"/>).
    /// </summary>
    private void CollectOrphanedDependentsLocked()
    {
        var liveUids = LiveUids();
        var dangling = _objects.All
            .Where(pair => OwnerUids(pair.Value).ToList() is { Count: > 0 } owners && !owners.Any(liveUids.Contains)
                && Metadata(pair.Value)["deletionTimestamp"] is null)
            .ToList();
        foreach (var (key, dependent) in dangling)
        {
            // A cascade from an earlier one in this loop may have deleted it already.
            if (_objects.TryGet(key, out var current) && ReferenceEquals(current, dependent))
            {
                DeleteLocked(TypeOf(key), current, PropagationPolicy.Background, dryRun: false);
            }
        }
    }

    private HashSet<string?> LiveUids() => _objects.All.Select(pair => Metadata(pair.Value)["uid"]?.GetValue<string>()).ToHashSet();

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

        var liveUids = LiveUids();
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

    private static List<string> Finalizers(JsonObject obj) =>
        (Metadata(obj)["finalizers"] as JsonArray ?? []).Select(f => f?.GetValue<string>() ?? "").ToList();
}
