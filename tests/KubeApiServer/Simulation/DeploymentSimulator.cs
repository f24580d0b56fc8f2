using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Serverless.KubeApiServer.Http;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Selectors;
using Serverless.KubeApiServer.Storage;

namespace Serverless.KubeApiServer.Simulation;

/// <summary>
/// Plays the Deployment and ReplicaSet controllers, the kubelet and the EndpointSlice controller for Deployments:
/// pods follow <c>spec.replicas</c> (scale-down removes the lowest <c>controller.kubernetes.io/pod-deletion-cost</c>
/// first, then the newest), a template change replaces every pod, each pod is Ready at once, the
/// Deployment's status counts them, and EndpointSlices labelled <c>kubernetes.io/service-name={deployment}</c>
/// list one ready endpoint per pod. One ReplicaSet per pod template, <c>{deployment}-{pod-template-hash}</c> with the
/// template's labels, as the Deployment controller keeps them: the current one at the Deployment's replicas, the
/// older ones scaled to zero and kept (rollout history). As the ReplicaSet controller, a pod relabelled out of its
/// Deployment's selector is released (its controller reference removed) and replaced; as the EndpointSlice controller,
/// a Deployment's slice also lists the pods of no Deployment that its Service (same name; else the Deployment's
/// selector) selects, such as a warm-pool pod relabelled into a function.
/// </summary>
/// <remarks>
/// Level-based: each change of a Deployment or one of its pods queues the Deployment's key and one loop
/// reconciles it from the stored state. Pods are owned by the Deployment directly, not by their ReplicaSet: the
/// ReplicaSets are there for readers (which template still has pods), the simulator does not act on them.
/// </remarks>
public sealed class DeploymentSimulator : IAsyncDisposable
{
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    private readonly ObjectStore _store;
    private readonly DeploymentSimulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly Channel<(string Namespace, string Name)> _queue = Channel.CreateUnbounded<(string, string)>();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ITimer> _timers = [];

    // Pods and slices per owning Deployment uid, kept from the store's changes: listing and filtering every pod
    // per pass made a 1,000-Deployment run spend seconds in label matching.
    private readonly Dictionary<string, HashSet<(ResourceType Type, string Namespace, string Name)>> _owned = new(StringComparer.Ordinal);

    // Each Deployment's spec.selector.matchLabels, kept from the store's changes: a pod that another owner (or none)
    // holds and that a Deployment's selector matches is scheduled with that Deployment (its slice lists it).
    private readonly Dictionary<(string Namespace, string Name), JsonObject?> _selectors = [];
    private Task _loop = Task.CompletedTask;
    private long _reconciles;

    internal DeploymentSimulator(ObjectStore store, DeploymentSimulatorOptions options, TimeProvider time)
    {
        _store = store;
        _options = options;
        _time = time;
    }

    /// <summary>How many reconciles ran; a test can wait for the simulator to go quiet.</summary>
    public long Reconciles => Interlocked.Read(ref _reconciles);

    /// <summary>The last exception a reconcile threw, if any (the loop keeps going).</summary>
    public Exception? LastError { get; private set; }

    public async ValueTask DisposeAsync()
    {
        _store.Committed -= OnCommitted;
        lock (_timers)
        {
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }
        }

        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    internal void Start()
    {
        _store.Committed += OnCommitted;
        foreach (var type in (ResourceType[])[ResourceTypes.Pods, ResourceTypes.EndpointSlices, ResourceTypes.ReplicaSets])
        {
            foreach (var obj in _store.List(type, null, LabelSelector.Everything, FieldSelector.Everything).Items)
            {
                Index(type, obj, deleted: false);
            }
        }

        foreach (var deployment in _store.List(ResourceTypes.Deployments, null, LabelSelector.Everything, FieldSelector.Everything).Items)
        {
            _queue.Writer.TryWrite(KeyOf(deployment));
        }

        _loop = Task.Run(RunAsync);
    }

    // Runs under the store's lock: only index and queue work here.
    private void OnCommitted(StoredChange change)
    {
        Index(change.Type, change.Object, deleted: change.Change == ChangeType.Deleted);

        if (change.Type == ResourceTypes.Deployments && change.Change == ChangeType.Deleted
            && change.Object["metadata"]?["uid"]?.GetValue<string>() is { } deletedUid)
        {
            lock (_owned)
            {
                _owned.Remove(deletedUid);
            }
        }
        else if (change.Type == ResourceTypes.Deployments)
        {
            lock (_selectors)
            {
                _selectors[KeyOf(change.Object)] = change.Object["spec"]?["selector"]?["matchLabels"]?.DeepClone() as JsonObject;
            }

            Schedule(KeyOf(change.Object));
        }
        else if (change.Type == ResourceTypes.Pods && change.Change == ChangeType.Deleted
                 && OwnerName(change.Object) is { } owner)
        {
            Schedule((change.Object["metadata"]?["namespace"]?.GetValue<string>() ?? "", owner));
        }

        if (change.Type == ResourceTypes.Pods)
        {
            SchedulePodChange(change);
        }

        if (change.Type == ResourceTypes.Deployments && change.Change == ChangeType.Deleted)
        {
            lock (_selectors)
            {
                _selectors.Remove(KeyOf(change.Object));
            }
        }
    }

    /// <summary>
    /// A pod's labels or owner changed: its (previous) owning Deployment may have to release and replace it, and the
    /// Deployments whose selector matches it before or after may have to list it in their slice, or stop to.
    /// </summary>
    private void SchedulePodChange(StoredChange change)
    {
        var ns = change.Object["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        if (change.Change == ChangeType.Modified && change.Previous is { } previous && OwnerName(previous) is { } previousOwner)
        {
            Schedule((ns, previousOwner));
        }

        List<(string, string)> matching;
        lock (_selectors)
        {
            matching = _selectors
                .Where(s => s.Key.Namespace == ns && s.Value is { Count: > 0 } selector
                    && (Selects(selector, change.Object) || (change.Previous is { } before && Selects(selector, before))))
                .Select(s => s.Key)
                .ToList();
        }

        foreach (var key in matching)
        {
            if (OwnerName(change.Object) != key.Item2)
            {
                Schedule(key);
            }
        }
    }

    private static bool Selects(JsonObject matchLabels, JsonObject pod) =>
        matchLabels.All(l => pod["metadata"]?["labels"]?[l.Key]?.GetValue<string>() == l.Value?.GetValue<string>());

    private void Schedule((string, string) key)
    {
        if (_options.ReadyDelay <= TimeSpan.Zero)
        {
            _queue.Writer.TryWrite(key);
            return;
        }

        lock (_timers)
        {
            _timers.Add(_time.CreateTimer(_ => _queue.Writer.TryWrite(key), null, _options.ReadyDelay, Timeout.InfiniteTimeSpan));
        }
    }

    /// <summary>A refused pod create is tried again after <see cref="DeploymentSimulatorOptions.FailedCreateRetry"/>, on the server's clock.</summary>
    private void RetryLater((string, string) key)
    {
        lock (_timers)
        {
            _timers.Add(_time.CreateTimer(_ => _queue.Writer.TryWrite(key), null, _options.FailedCreateRetry, Timeout.InfiniteTimeSpan));
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var (ns, name) in _queue.Reader.ReadAllAsync(_stop.Token))
            {
                try
                {
                    Reconcile(ns, name);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A concurrent write (a test, the controller) usually: that change queued another pass.
                    // Kept for tests to assert on; the loop must outlive any one failure.
                    LastError = e;
                }

                Interlocked.Increment(ref _reconciles);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private void Reconcile(string ns, string name)
    {
        var deployment = _store.TryGet(ResourceTypes.Deployments, ns, name);
        if (deployment is null || deployment["metadata"]?["deletionTimestamp"] is not null)
        {
            return;
        }

        var uid = deployment["metadata"]!["uid"]!.GetValue<string>();
        var desired = JsonNumber.Int(deployment["spec"]?["replicas"]) ?? 1;
        var hash = TemplateHash(deployment);
        var pods = Owned(uid, ResourceTypes.Pods);

        // The ReplicaSet controller releases a pod relabelled out of the selector: it stops counting, and is replaced.
        if (deployment["spec"]?["selector"]?["matchLabels"] is JsonObject matchLabels)
        {
            foreach (var released in pods.Where(p => !Selects(matchLabels, p)).ToList())
            {
                Release(ns, released, uid);
                pods.Remove(released);
            }
        }

        // A template change is a rollout: replace every pod of the old template.
        foreach (var stale in pods.Where(p => p["metadata"]?["labels"]?["pod-template-hash"]?.GetValue<string>() != hash).ToList())
        {
            DeletePod(ns, stale);
            pods.Remove(stale);
        }

        // As the ReplicaSet controller: a create the API server refuses (a ResourceQuota's 403) stops this pass, shows as
        // the ReplicaFailure condition (reason FailedCreate, the server's message) and is retried later, as its work
        // queue's backoff does; a pass that creates what it wanted clears the condition.
        string? failure = null;
        for (var i = pods.Count; i < desired && failure is null; i++)
        {
            try
            {
                pods.Add(_store.Create(ResourceTypes.Pods, ns, NewPod(deployment, hash), keepStatus: true));
            }
            catch (ApiException e)
            {
                failure = e.Message;
                RetryLater((ns, name));
            }
        }

        if (pods.Count > desired)
        {
            var victims = pods
                .OrderBy(DeletionCost)
                .ThenByDescending(p => p["metadata"]?["creationTimestamp"]?.GetValue<string>(), StringComparer.Ordinal)
                .ThenByDescending(p => long.Parse(p["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture))
                .Take(pods.Count - desired)
                .ToList();
            foreach (var victim in victims)
            {
                DeletePod(ns, victim);
                pods.Remove(victim);
            }
        }

        SyncEndpointSlices(deployment, [.. pods, .. Selected(deployment, ns, name)]);
        SyncReplicaSets(deployment, hash, desired, pods.Count);
        var generation = JsonNumber.Long(deployment["metadata"]?["generation"]) ?? 1;
        _store.Write(ResourceTypes.Deployments, ns, name, WritePart.Status, current =>
        {
            current["status"] = new JsonObject
            {
                ["observedGeneration"] = generation,
                ["replicas"] = pods.Count,
                ["updatedReplicas"] = pods.Count,
                ["readyReplicas"] = pods.Count,
                ["availableReplicas"] = pods.Count,
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Available",
                    ["status"] = pods.Count >= desired ? "True" : "False",
                    ["reason"] = pods.Count >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                }),
            };
            if (failure is not null)
            {
                ((JsonArray)current["status"]!["conditions"]!).Add(new JsonObject
                {
                    ["type"] = "ReplicaFailure",
                    ["status"] = "True",
                    ["reason"] = "FailedCreate",
                    ["message"] = failure,
                });
            }

            return current;
        });
    }

    private void Release(string ns, JsonObject pod, string ownerUid)
    {
        try
        {
            _store.Write(ResourceTypes.Pods, ns, pod["metadata"]!["name"]!.GetValue<string>(), WritePart.Main, current =>
            {
                if (current["metadata"]?["ownerReferences"] is JsonArray owners)
                {
                    var kept = owners.Where(o => o?["uid"]?.GetValue<string>() != ownerUid).Select(o => o!.DeepClone()).ToArray();
                    current["metadata"]!["ownerReferences"] = kept.Length == 0 ? null : new JsonArray(kept);
                }

                return current;
            });
        }
        catch (ApiException)
        {
            // Gone or changed meanwhile: that change queued another pass.
        }
    }

    /// <summary>Pods no Deployment owns (a released pool pod, a Function's) that the Service of this Deployment's name selects.</summary>
    private List<JsonObject> Selected(JsonObject deployment, string ns, string name)
    {
        var selector = _store.TryGet(ResourceTypes.Services, ns, name)?["spec"]?["selector"] as JsonObject
            ?? deployment["spec"]?["selector"]?["matchLabels"] as JsonObject;
        if (selector is not { Count: > 0 })
        {
            return [];
        }

        return _store.List(ResourceTypes.Pods, ns, LabelSelector.Everything, FieldSelector.Everything).Items
            .Where(p => p["metadata"]?["deletionTimestamp"] is null && Selects(selector, p)
                && (p["metadata"]?["ownerReferences"] as JsonArray)?.Any(o => o?["kind"]?.GetValue<string>() == "Deployment") != true)
            .ToList();
    }

    private void DeletePod(string ns, JsonObject pod)
    {
        try
        {
            _store.Delete(ResourceTypes.Pods, ns, pod["metadata"]!["name"]!.GetValue<string>(), PropagationPolicy.Background, null);
        }
        catch (ApiException)
        {
            // Already gone.
        }
    }

    private JsonObject NewPod(JsonObject deployment, string hash)
    {
        var name = deployment["metadata"]!["name"]!.GetValue<string>();
        var template = deployment["spec"]?["template"] as JsonObject ?? new JsonObject();
        var labels = template["metadata"]?["labels"]?.DeepClone() as JsonObject ?? new JsonObject();
        labels["pod-template-hash"] = hash;
        var annotations = template["metadata"]?["annotations"]?.DeepClone();
        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["generateName"] = $"{name}-{hash}-",
                ["labels"] = labels,
                ["annotations"] = annotations,
                ["ownerReferences"] = OwnedBy(deployment),
            },
            ["spec"] = template["spec"]?.DeepClone(),
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["podIP"] = _options.PodAddress,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
            },
        };
    }

    private void SyncEndpointSlices(JsonObject deployment, List<JsonObject> pods)
    {
        var ns = deployment["metadata"]!["namespace"]!.GetValue<string>();
        var name = deployment["metadata"]!["name"]!.GetValue<string>();
        var byPort = pods
            .GroupBy(p => _options.PortFor(ns, name, p["metadata"]!["name"]!.GetValue<string>()))
            .ToDictionary(g => g.Key, g => g.ToList());
        var existing = Owned(deployment["metadata"]!["uid"]!.GetValue<string>(), ResourceTypes.EndpointSlices);
        foreach (var slice in existing.Where(s => !byPort.ContainsKey(SlicePort(s))))
        {
            _store.Delete(ResourceTypes.EndpointSlices, ns, slice["metadata"]!["name"]!.GetValue<string>(), PropagationPolicy.Background, null);
        }

        foreach (var (port, members) in byPort)
        {
            var sliceName = $"{name}-sim-{port}";
            var slice = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["name"] = sliceName,
                    ["labels"] = new JsonObject
                    {
                        [ServiceNameLabel] = name,
                        ["endpointslice.kubernetes.io/managed-by"] = "kube-double-simulator",
                    },
                    ["ownerReferences"] = OwnedBy(deployment),
                },
                ["addressType"] = "IPv4",
                ["endpoints"] = new JsonArray(members
                    .OrderBy(p => p["metadata"]!["name"]!.GetValue<string>(), StringComparer.Ordinal)
                    .Select(p => (JsonNode)new JsonObject
                    {
                        ["addresses"] = new JsonArray(_options.PodAddress),
                        ["conditions"] = new JsonObject { ["ready"] = true, ["serving"] = true, ["terminating"] = false },
                        ["targetRef"] = new JsonObject
                        {
                            ["kind"] = "Pod",
                            ["namespace"] = ns,
                            ["name"] = p["metadata"]!["name"]!.DeepClone(),
                            ["uid"] = p["metadata"]!["uid"]!.DeepClone(),
                        },
                    })
                    .ToArray()),
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = port, ["protocol"] = "TCP" }),
            };
            if (_store.TryGet(ResourceTypes.EndpointSlices, ns, sliceName) is null)
            {
                _store.Create(ResourceTypes.EndpointSlices, ns, slice);
            }
            else
            {
                _store.Write(ResourceTypes.EndpointSlices, ns, sliceName, WritePart.Main, _ => slice);
            }
        }
    }

    private void SyncReplicaSets(JsonObject deployment, string hash, int desired, int running)
    {
        var ns = deployment["metadata"]!["namespace"]!.GetValue<string>();
        var name = $"{deployment["metadata"]!["name"]!.GetValue<string>()}-{hash}";
        foreach (var old in Owned(deployment["metadata"]!["uid"]!.GetValue<string>(), ResourceTypes.ReplicaSets).Where(r => r["metadata"]!["name"]!.GetValue<string>() != name))
        {
            var oldName = old["metadata"]!["name"]!.GetValue<string>();
            _store.Write(ResourceTypes.ReplicaSets, ns, oldName, WritePart.Main, current =>
            {
                current["spec"]!["replicas"] = 0;
                return current;
            });
            _store.Write(ResourceTypes.ReplicaSets, ns, oldName, WritePart.Status, current =>
            {
                current["status"] = new JsonObject { ["replicas"] = 0, ["observedGeneration"] = JsonNumber.Long(current["metadata"]?["generation"]) ?? 1 };
                return current;
            });
        }

        var template = deployment["spec"]?["template"]?.DeepClone() as JsonObject ?? new JsonObject();
        var labels = template["metadata"]?["labels"]?.DeepClone() as JsonObject ?? new JsonObject();
        labels["pod-template-hash"] = hash;
        if (template["metadata"] is JsonObject templateMeta)
        {
            templateMeta["labels"] = labels.DeepClone();
        }

        var selector = deployment["spec"]?["selector"]?.DeepClone() as JsonObject ?? new JsonObject();
        if (selector["matchLabels"] is JsonObject matchLabels)
        {
            matchLabels["pod-template-hash"] = hash;
        }

        if (_store.TryGet(ResourceTypes.ReplicaSets, ns, name) is null)
        {
            _store.Create(ResourceTypes.ReplicaSets, ns, new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels, ["ownerReferences"] = OwnedBy(deployment) },
                ["spec"] = new JsonObject { ["replicas"] = desired, ["selector"] = selector, ["template"] = template },
            });
        }
        else
        {
            _store.Write(ResourceTypes.ReplicaSets, ns, name, WritePart.Main, current =>
            {
                current["spec"]!["replicas"] = desired;
                return current;
            });
        }

        _store.Write(ResourceTypes.ReplicaSets, ns, name, WritePart.Status, current =>
        {
            current["status"] = new JsonObject
            {
                ["replicas"] = running,
                ["readyReplicas"] = running,
                ["availableReplicas"] = running,
                ["observedGeneration"] = JsonNumber.Long(current["metadata"]?["generation"]) ?? 1,
            };
            return current;
        });
    }

    private static JsonArray OwnedBy(JsonObject deployment) => new(new JsonObject
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["name"] = deployment["metadata"]!["name"]!.DeepClone(),
        ["uid"] = deployment["metadata"]!["uid"]!.DeepClone(),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    });

    private void Index(ResourceType type, JsonObject obj, bool deleted)
    {
        if ((type != ResourceTypes.Pods && type != ResourceTypes.EndpointSlices && type != ResourceTypes.ReplicaSets) || OwnerUid(obj) is not { } ownerUid)
        {
            return;
        }

        var entry = (type, obj["metadata"]?["namespace"]?.GetValue<string>() ?? "", obj["metadata"]!["name"]!.GetValue<string>());
        lock (_owned)
        {
            if (!_owned.TryGetValue(ownerUid, out var set))
            {
                set = [];
                _owned[ownerUid] = set;
            }

            if (deleted)
            {
                set.Remove(entry);
            }
            else
            {
                set.Add(entry);
            }
        }
    }

    private List<JsonObject> Owned(string ownerUid, ResourceType type)
    {
        List<(ResourceType Type, string Namespace, string Name)> keys;
        lock (_owned)
        {
            keys = _owned.TryGetValue(ownerUid, out var set) ? set.Where(k => k.Type == type).ToList() : [];
        }

        return keys
            .Select(k => _store.TryGet(k.Type, k.Namespace, k.Name))
            .OfType<JsonObject>()
            .Where(o => OwnerUid(o) == ownerUid)
            .OrderBy(o => o["metadata"]!["name"]!.GetValue<string>(), StringComparer.Ordinal)
            .ToList();
    }

    private static int SlicePort(JsonObject slice) => JsonNumber.Int(slice["ports"]?[0]?["port"]) ?? 0;

    private static long DeletionCost(JsonObject pod) =>
        long.TryParse(pod["metadata"]?["annotations"]?[DeletionCostAnnotation]?.GetValue<string>(), CultureInfo.InvariantCulture, out var cost) ? cost : 0;

    private static string TemplateHash(JsonObject deployment)
    {
        var template = deployment["spec"]?["template"]?.ToJsonString() ?? "";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template)))[..10];
    }

    private static (string, string) KeyOf(JsonObject obj) =>
        (obj["metadata"]?["namespace"]?.GetValue<string>() ?? "", obj["metadata"]!["name"]!.GetValue<string>());

    private static string? OwnerUid(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?.FirstOrDefault(r => r?["controller"]?.GetValue<bool>() == true)?["uid"]?.GetValue<string>();

    private static string? OwnerName(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?.FirstOrDefault(r => r?["kind"]?.GetValue<string>() == "Deployment")?["name"]?.GetValue<string>();
}
