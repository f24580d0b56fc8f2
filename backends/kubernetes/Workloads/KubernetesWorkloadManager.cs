using k8s.Models;
using Microsoft.Extensions.Logging;
using Serverless.Backends.Kubernetes.Api;
using Serverless.Backends.Kubernetes.Artifacts;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using Serverless.Hosting.Stores;
using FunctionResource = Serverless.Core.Api.Function;
using RevisionResource = Serverless.Core.Api.Revision;

namespace Serverless.Backends.Kubernetes.Workloads;

/// <summary>
/// <see cref="IWorkloadManager"/> over a Deployment and a Service per workload: each revision's, named after it and
/// owned by its Revision (issue #17 item 6), or an older install's Function-owned one. Reads come from informer
/// caches (no API call to learn the status or to find out that nothing changed); writes are
/// create-or-replace with optimistic concurrency, retried on conflict against a fresh read. Any change to a
/// managed Deployment, Service or ReplicaSet (a deletion, an edit, the Deployment controller's status) raises
/// <see cref="StatusChanged"/> for its owner Function, which is how drift gets corrected.
/// </summary>
/// <remarks>
/// <para>
/// Was KubernetesWorkloadBackend (controller side). It never sets <c>spec.replicas</c> of a Deployment that
/// exists: that is <see cref="KubernetesWorkloadScaler"/>'s, in the autoscaler.
/// </para>
/// <para>
/// Only objects that carry the controller ownerReference of the Function or of the Revision they run are ever written
/// or deleted. An object with the workload's name that lacks it (a user's Service <c>api</c>, another controller's Deployment) is left untouched and
/// <see cref="EnsureAsync"/> fails with <see cref="WorkloadNotOwnedException"/>, which the Function's status reports
/// as <c>NotOwned</c>; so the garbage collector can never follow a reference we added to someone else's object.
/// </para>
/// <para>
/// Each ensure also deletes the Function's superseded artifact ConfigMaps (<see cref="SupersededArtifacts"/>), read
/// off the ReplicaSet cache; and records an Event on the Function for every object it creates or updates.
/// </para>
/// </remarks>
public sealed partial class KubernetesWorkloadManager : IWorkloadManager
{
    /// <summary>Writes tried per object before a reconcile gives up and is retried with backoff.</summary>
    public const int MaxConflictAttempts = 3;

    private readonly IWorkloadApi _api;
    private readonly ResourceInformer<V1Deployment> _deployments;
    private readonly ResourceInformer<V1Service> _services;
    private readonly ResourceInformer<V1ReplicaSet>? _replicaSets;
    private readonly ResourceInformer<V2HorizontalPodAutoscaler>? _autoscalers;
    private readonly ResourceInformer<RevisionResource>? _revisions;

    // The caches seen through this controller's own creates: a Deployment or Service created a moment ago is not created
    // again, nor a just-cut Revision's Deployment held back until the watch brings the Revision (its uid came back in
    // the create's answer). Only creates: a replaced Deployment's answer carries the old status under the new template.
    private readonly WrittenObjects<V1Deployment> _deploymentView;
    private readonly WrittenObjects<V1Service> _serviceView;
    private readonly WrittenObjects<RevisionResource>? _revisionView;
    private readonly Func<FunctionKey, FunctionResource?> _functions;
    private readonly KubernetesWorkloadOptions _options;
    private readonly IEventRecorder _events;
    private readonly ILogger _logger;

    // Artifact ConfigMaps deleted already, per Function: an old ReplicaSet keeps naming its ConfigMap, and each reconcile
    // must not delete it again. Bounded by the ReplicaSets that exist (a name goes when no ReplicaSet names it).
    private readonly Dictionary<FunctionKey, HashSet<string>> _collected = [];

    // The artifacts of the Functions' deleted Revisions, until collected (or found in use again). A revision's own
    // Deployment and its ReplicaSets go with its Revision, so nothing else remembers them. Under _collected's lock.
    private readonly Dictionary<FunctionKey, HashSet<string>> _released = [];

    // Functions whose artifacts need a look: each once after start, then again only when one of their ReplicaSets is
    // scaled to zero or deleted (what frees an artifact), or a deletion failed. Every other reconcile skips the scan
    // of all ReplicaSets, which at 1000 Functions was most of a reconcile's own work.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<FunctionKey, byte> _artifactsSettled = new();

    /// <param name="client">The controller's API client (Deployments and Services: create, update, delete; ConfigMaps: delete).</param>
    /// <param name="deployments">The managed Deployments (<see cref="KubeInformers.ManagedDeployments"/>); the caller runs it.</param>
    /// <param name="services">The managed Services (<see cref="KubeInformers.ManagedServices"/>); the caller runs it.</param>
    /// <param name="functions">The Function of a key from the controller's cache: its uid makes the ownerReference.</param>
    /// <param name="replicaSets">The managed ReplicaSets (<see cref="KubeInformers.ManagedReplicaSets"/>), the caller runs it; null collects no artifacts.</param>
    /// <param name="events">Where Created/Updated Events about the Function go; null records none.</param>
    /// <param name="autoscalers">
    /// The managed HorizontalPodAutoscalers (<see cref="KubeInformers.ManagedHorizontalPodAutoscalers"/>), the caller runs
    /// it; null manages none (HPA-class Functions then get no HorizontalPodAutoscaler).
    /// </param>
    /// <param name="revisions">
    /// The Functions' Revisions, the caller runs it; null runs no split's other revision (issue #17). A Revision owns the
    /// Deployment and Service of a split's other share, and a workload running a Revision gets that Revision's artifact.
    /// </param>
    public KubernetesWorkloadManager(
        k8s.IKubernetes client,
        ResourceInformer<V1Deployment> deployments,
        ResourceInformer<V1Service> services,
        Func<FunctionKey, FunctionResource?> functions,
        KubernetesWorkloadOptions options,
        ILogger logger,
        ResourceInformer<V1ReplicaSet>? replicaSets = null,
        IEventRecorder? events = null,
        ResourceInformer<V2HorizontalPodAutoscaler>? autoscalers = null,
        ResourceInformer<RevisionResource>? revisions = null)
        : this(new KubeWorkloadApi(client), deployments, services, functions, options, logger, replicaSets, events, autoscalers, revisions)
    {
    }

    internal KubernetesWorkloadManager(
        IWorkloadApi api,
        ResourceInformer<V1Deployment> deployments,
        ResourceInformer<V1Service> services,
        Func<FunctionKey, FunctionResource?> functions,
        KubernetesWorkloadOptions options,
        ILogger logger,
        ResourceInformer<V1ReplicaSet>? replicaSets = null,
        IEventRecorder? events = null,
        ResourceInformer<V2HorizontalPodAutoscaler>? autoscalers = null,
        ResourceInformer<RevisionResource>? revisions = null)
    {
        _api = api;
        _revisions = revisions;
        _revisionView = revisions is null ? null : new WrittenObjects<RevisionResource>(revisions);
        _deploymentView = new WrittenObjects<V1Deployment>(deployments);
        _serviceView = new WrittenObjects<V1Service>(services);
        _autoscalers = autoscalers;
        _deployments = deployments;
        _services = services;
        _replicaSets = replicaSets;
        _functions = functions;
        _options = options;
        _events = events ?? NoEventRecorder.Instance;
        _logger = logger;
        _deployments.Changed += change => StatusChanged?.Invoke(OwnerKey(change.Object.Metadata));
        _services.Changed += change => StatusChanged?.Invoke(OwnerKey(change.Object.Metadata));
        if (_autoscalers is not null)
        {
            _autoscalers.Changed += change => StatusChanged?.Invoke(OwnerKey(change.Object.Metadata));
        }
        if (_revisions is not null)
        {
            // Every change of a Revision reconciles its Function: one in the cache at last (its Deployment waits for its
            // uid), one collected (its artifact may go now), or a status written (the pass that follows finds it as
            // written, so it stops there; a write made over a stale copy of the cache is made again by it).
            _revisions.Changed += change =>
            {
                if (change.Object.Spec?.Function is { Length: > 0 } function)
                {
                    var owner = new FunctionKey(change.Object.Metadata.NamespaceProperty ?? "", function);
                    if (change.Type == WatchEventType.Deleted)
                    {
                        // Only while its Function lives: a Function's deletion takes its Revisions with it, and its
                        // artifacts are not the controller's to collect then (nor would anything reconcile them).
                        if (change.Object.Spec.Image is not { Length: > 0 } && change.Object.Spec.Source?.ConfigMap is { Length: > 0 } artifact
                            && _functions(owner) is { Metadata.DeletionTimestamp: null })
                        {
                            lock (_collected)
                            {
                                (_released.TryGetValue(owner, out var known) ? known : _released[owner] = new HashSet<string>(StringComparer.Ordinal)).Add(artifact);
                            }
                        }

                        _artifactsSettled.TryRemove(owner, out _);
                    }

                    StatusChanged?.Invoke(owner);
                }
            };
        }

        if (_replicaSets is not null)
        {
            // A ReplicaSet scaled to zero, or gone, may free an artifact: reconcile its Function then, and only then. A
            // new ReplicaSet or one still serving frees nothing, and its status changes (every pod that becomes ready)
            // would otherwise cost a reconcile each.
            _replicaSets.Changed += change =>
            {
                if (change.Type == WatchEventType.Deleted || (change.Object.Spec?.Replicas ?? 0) == 0)
                {
                    var owner = OwnerKey(change.Object.Metadata);
                    _artifactsSettled.TryRemove(owner, out _);
                    StatusChanged?.Invoke(owner);
                }
            };
        }
    }

    public event Action<FunctionKey>? StatusChanged;

    /// <summary>
    /// The Revisions as this controller last wrote them (created, status written) until its informer has caught up; the
    /// reconciler's Revision store records its writes here, and a revision's Deployment takes its owner from here.
    /// Null without a Revision informer.
    /// </summary>
    public WrittenObjects<RevisionResource>? RevisionView => _revisionView;

    /// <exception cref="WorkloadNotOwnedException">A Deployment or Service with the function's name is not the Function's.</exception>
    public async Task EnsureAsync(WorkloadSpec spec, int replicasIfCreated, CancellationToken cancellationToken = default)
    {
        var functionKey = spec.Function is { } functionName ? new FunctionKey(spec.Key.Namespace, functionName) : spec.Key;
        if (_functions(functionKey) is not { } function)
        {
            return; // deleted meanwhile: the deletion reconciles next, and the garbage collector follows ownerReferences
        }

        var revision = spec.RevisionName is { } revisionName ? _revisionView?.Get(new FunctionKey(spec.Key.Namespace, revisionName)) : null;
        var ownerRevision = spec.Function is null ? null : revision;
        if (spec.Function is not null && ownerRevision is null)
        {
            // A revision's own workload: its Revision owns the Deployment, and neither the cache nor this controller's
            // writes know it (cut by another controller a moment ago). Its arrival in the cache reconciles the Function again.
            return;
        }

        var deployment = DeploymentBuilder.Build(function, spec, _options, replicasIfCreated, revision);
        await EnsureObjectAsync(
            "Deployment",
            deployment,
            _deploymentView.Get(spec.Key),
            function,
            ownerRevision,
            LiveObjectMatcher.DeploymentMatches,
            DeploymentBuilder.ForUpdate,
            _api.GetDeploymentAsync,
            _api.CreateDeploymentAsync,
            _api.ReplaceDeploymentAsync,
            _deploymentView.Remember,
            cancellationToken).ConfigureAwait(false);

        var service = ServiceBuilder.Build(function, spec.Key, ownerRevision);
        await EnsureObjectAsync(
            "Service",
            service,
            _serviceView.Get(spec.Key),
            function,
            ownerRevision,
            LiveObjectMatcher.ServiceMatches,
            ServiceBuilder.ForUpdate,
            _api.GetServiceAsync,
            _api.CreateServiceAsync,
            _api.ReplaceServiceAsync,
            _serviceView.Remember,
            cancellationToken).ConfigureAwait(false);

        // Each revision's Deployment its own HorizontalPodAutoscaler, owned as the Deployment is (Knative gives each
        // revision's PodAutoscaler its own HPA): a promotion moves no HPA, and the one of a collected Revision goes with it.
        await EnsureAutoscalerAsync(function, spec.Key, ownerRevision, cancellationToken).ConfigureAwait(false);

        if (_artifactsSettled.TryAdd(functionKey, 0) && !await CollectArtifactsAsync(function, cancellationToken).ConfigureAwait(false))
        {
            _artifactsSettled.TryRemove(functionKey, out _);
        }
    }

    public async Task DeleteAsync(FunctionKey key, CancellationToken cancellationToken = default)
    {
        _artifactsSettled.TryRemove(key, out _);
        // Only what the caches know of, and of that only what a Function of this name controls: the ownerReferences
        // let the garbage collector remove anything created a moment ago that the caches have not seen yet, a
        // repeated delete costs no call, and an object that merely carries our labels is not ours to delete.
        if (_deploymentView.Get(key) is { } deployment && Ours(key, deployment.Metadata)
            && await _api.DeleteDeploymentAsync(key.Namespace, key.Name, deployment.Metadata.Uid, cancellationToken).ConfigureAwait(false))
        {
            LogDeleted(_logger, "Deployment", key.ToString());
        }

        if (_serviceView.Get(key) is { } service && Ours(key, service.Metadata)
            && await _api.DeleteServiceAsync(key.Namespace, key.Name, service.Metadata.Uid, cancellationToken).ConfigureAwait(false))
        {
            LogDeleted(_logger, "Service", key.ToString());
        }

        await DeleteAutoscalerAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes the Revisions that name <paramref name="created"/>'s artifact ConfigMap its owners (one ownerReference each,
    /// not controller), so that the garbage collector deletes it with the last of them, whenever and by whomever they are
    /// deleted: the controller need not be running then (issue #17). Called once per Revision cut, with the Revision
    /// the create answered. A ConfigMap that does not exist is left to the Function's status; a failed write is logged,
    /// and the artifact is then collected as before (while the controller runs, or with its Function).
    /// </summary>
    public async Task OwnArtifactAsync(RevisionResource created, CancellationToken cancellationToken = default)
    {
        if (_revisionView is null || created.Spec?.Image is { Length: > 0 } || created.Spec?.Source?.ConfigMap is not { Length: > 0 } artifact)
        {
            return;
        }

        _revisionView.Remember(created);
        var ns = created.Metadata.NamespaceProperty;
        var owners = _revisionView.List(r => r.Metadata.NamespaceProperty == ns && r.Metadata.DeletionTimestamp is null
                && r.Spec?.Image is not { Length: > 0 } && r.Spec?.Source?.ConfigMap == artifact)
            .OrderBy(r => r.Metadata.Name, StringComparer.Ordinal)
            .Select(RevisionOwner.ArtifactReference)
            .ToList();
        try
        {
            if (await _api.SetConfigMapOwnersAsync(ns, artifact, owners, cancellationToken).ConfigureAwait(false))
            {
                LogArtifactOwned(_logger, ns + "/" + artifact, string.Join(", ", owners.Select(o => o.Name)));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogArtifactOwnersFailed(_logger, ns + "/" + artifact, e.Message);
        }
    }

    /// <summary>
    /// An HPA-class Function gets a HorizontalPodAutoscaler on each of its Deployments (of the Function in an older
    /// layout, else of each revision, owned by that Revision), which then scales it instead of the KPA (the autoscaler
    /// leaves such a Function alone); any other Function has none, so one left from a class change goes.
    /// </summary>
    private async Task EnsureAutoscalerAsync(FunctionResource function, FunctionKey key, RevisionResource? ownerRevision, CancellationToken cancellationToken)
    {
        if (_autoscalers is null)
        {
            return;
        }

        if (!Core.Defaulting.ScaleClassNames.IsHpa(function.Spec.Scale?.Class))
        {
            await DeleteAutoscalerAsync(key, cancellationToken).ConfigureAwait(false);
            return;
        }

        await EnsureObjectAsync(
            "HorizontalPodAutoscaler",
            HorizontalPodAutoscalerBuilder.Build(function, key, ownerRevision),
            _autoscalers.Cached(key),
            function,
            ownerRevision,
            LiveObjectMatcher.HorizontalPodAutoscalerMatches,
            HorizontalPodAutoscalerBuilder.ForUpdate,
            _api.GetHorizontalPodAutoscalerAsync,
            _api.CreateHorizontalPodAutoscalerAsync,
            _api.ReplaceHorizontalPodAutoscalerAsync,
            null,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteAutoscalerAsync(FunctionKey key, CancellationToken cancellationToken)
    {
        if (_autoscalers?.Cached(key) is { } autoscaler && Ours(key, autoscaler.Metadata)
            && await _api.DeleteHorizontalPodAutoscalerAsync(key.Namespace, key.Name, autoscaler.Metadata.Uid, cancellationToken).ConfigureAwait(false))
        {
            LogDeleted(_logger, "HorizontalPodAutoscaler", key.ToString());
        }
    }

    public WorkloadStatus? GetStatus(FunctionKey key) =>
        _deploymentView.Get(key) is { } deployment && Ours(key, deployment.Metadata)
            ? WorkloadStatusReader.Read(deployment)
            : null;

    /// <summary>
    /// Controlled by the Function of that name, or (a split's other revision, keyed by the revision's name) by the
    /// Revision of that name. A label alone never makes an object ours.
    /// </summary>
    private bool Ours(FunctionKey key, V1ObjectMeta metadata) =>
        FunctionOwner.ControlledByName(key.Name, metadata) || (_revisions is not null && RevisionOwner.ControlledByName(key.Name, metadata));

    private async Task EnsureObjectAsync<T>(
        string kind,
        T desired,
        T? cached,
        FunctionResource owner,
        RevisionResource? ownerRevision,
        Func<T, T, bool> matches,
        Func<T, T, T> forUpdate,
        Func<string, string, CancellationToken, Task<T?>> get,
        Func<T, CancellationToken, Task<T>> create,
        Func<T, CancellationToken, Task<T>> replace,
        Action<T>? created,
        CancellationToken cancellationToken)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta>
    {
        var name = desired.Metadata.NamespaceProperty + "/" + desired.Metadata.Name;
        // The shared create-or-replace loop: the cache may be behind (someone created, changed or deleted the object),
        // so AlreadyExists, Conflict and NotFound mean "decide again on a fresh read". Ownership is checked on every
        // live object it decides on, the cached one and each fresh read, before anything is written over it.
        var apply = new ResourceApply<T>
        {
            Get = get,
            Create = create,
            Replace = replace,
            MaxAttempts = MaxConflictAttempts,
            Retrying = (failure, attempt) => LogRetrying(_logger, kind, name, failure.ToString(), attempt),
        };
        var result = await apply.ApplyAsync(
            desired,
            cached,
            (live, wanted) =>
            {
                EnsureOwned(kind, live, owner, ownerRevision);
                return matches(live, wanted) ? null : forUpdate(live, wanted);
            },
            cancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case ApplyOutcome.Created:
                created?.Invoke(result.Object);
                LogCreated(_logger, kind, name);
                _events.Record(owner, EventTypes.Normal, "Created", $"Created {kind} {name}");
                break;
            case ApplyOutcome.Replaced:
                LogRestored(_logger, kind, name);
                _events.Record(owner, EventTypes.Normal, "Updated", $"Updated {kind} {name} to the Function's spec");
                break;
        }
    }

    /// <summary>An object with the function's name that lacks the Function's controller ownerReference is never written.</summary>
    private void EnsureOwned(string kind, k8s.IKubernetesObject<V1ObjectMeta> live, FunctionResource owner, RevisionResource? ownerRevision)
    {
        if (ownerRevision is null ? FunctionOwner.Controls(owner, live.Metadata) : RevisionOwner.Controls(ownerRevision, live.Metadata))
        {
            return;
        }

        var ns = live.Metadata.NamespaceProperty;
        var name = live.Metadata.Name;
        var message = FunctionOwner.Controller(live.Metadata) is { } other
            ? $"{kind} {ns}/{name} is controlled by {other.Kind} {other.Name} (uid {other.Uid}), not by this Function; it is left alone: delete it or rename the Function"
            : $"{kind} {ns}/{name} exists and is not owned by this Function (it has no controller ownerReference to it); it is left alone: delete it or rename the Function";
        LogNotOwned(_logger, kind, ns + "/" + name);
        throw new WorkloadNotOwnedException(kind, ns, name, message);
    }

    /// <summary>Deletes the Function's superseded artifact ConfigMaps; false when a deletion failed (to be tried again).</summary>
    private async Task<bool> CollectArtifactsAsync(FunctionResource function, CancellationToken cancellationToken)
    {
        if (_replicaSets is null)
        {
            return true;
        }

        var ns = function.Metadata.NamespaceProperty;
        var key = new FunctionKey(ns, function.Metadata.Name);
        var ours = _replicaSets.List().Where(r => r.Metadata.NamespaceProperty == ns
            && r.Metadata.Labels is { } labels && labels.TryGetValue(WorkloadLabels.Function, out var owner) && owner == function.Metadata.Name);
        var live = RevisionArtifacts(function).ToHashSet(StringComparer.Ordinal);
        List<string> released;
        lock (_collected)
        {
            if (_released.TryGetValue(key, out var known))
            {
                // An artifact a live Revision names again (a redeploy of the same code) is that Revision's now.
                known.ExceptWith(live);
                released = [.. known];
                if (known.Count == 0)
                {
                    _released.Remove(key);
                }
            }
            else
            {
                released = [];
            }
        }

        var superseded = SupersededArtifacts.Find(function.Spec.Image is { Length: > 0 } ? null : function.Spec.Source?.ConfigMap, ours, released)
            .Except(live)
            .ToList();
        HashSet<string> collected;
        lock (_collected)
        {
            collected = _collected.TryGetValue(key, out var known) ? known : _collected[key] = new HashSet<string>(StringComparer.Ordinal);
            collected.IntersectWith(superseded);
            if (collected.Count == 0 && superseded.Count == 0)
            {
                _collected.Remove(key);
                return true;
            }
        }

        var done = true;
        foreach (var name in superseded)
        {
            lock (_collected)
            {
                if (collected.Contains(name))
                {
                    continue;
                }
            }

            try
            {
                if (await _api.DeleteConfigMapAsync(ns, name, cancellationToken).ConfigureAwait(false))
                {
                    LogArtifactDeleted(_logger, ns + "/" + name, function.Metadata.Name);
                }

                lock (_collected)
                {
                    collected.Add(name);
                    if (_released.TryGetValue(key, out var pending) && pending.Remove(name) && pending.Count == 0)
                    {
                        _released.Remove(key);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Garbage collection is never a reason to fail the Function: the next reconcile tries again.
                LogArtifactDeleteFailed(_logger, ns + "/" + name, e.Message);
                done = false;
            }
        }

        return done;
    }

    /// <summary>
    /// The artifacts the Function's Revisions name: a revision that still exists can be routed to again (a rollback by
    /// name, a split), so its artifact stays until the Revision is collected. That covers the Deployments of a split's
    /// other revisions too, whose ReplicaSets the managed-ReplicaSet cache does not hold (their pods are not labelled managed-by).
    /// </summary>
    private IEnumerable<string> RevisionArtifacts(FunctionResource function) =>
        _revisionView is null
            ? []
            : _revisionView.List(r => r.Metadata.NamespaceProperty == function.Metadata.NamespaceProperty && r.Spec?.Function == function.Metadata.Name
                && r.Spec.Image is not { Length: > 0 })
                .Select(r => r.Spec.Source?.ConfigMap)
                .OfType<string>();

    private static FunctionKey OwnerKey(V1ObjectMeta metadata) =>
        new(metadata.NamespaceProperty ?? "", FunctionOwner.NameOf(metadata) ?? metadata.Name ?? "");

    [LoggerMessage(EventId = KubernetesEventIds.WorkloadCreated, Level = LogLevel.Information, Message = "Created {Kind} {Name}")]
    private static partial void LogCreated(ILogger logger, string kind, string name);

    [LoggerMessage(EventId = KubernetesEventIds.WorkloadUpdated, Level = LogLevel.Information, Message = "Updated {Kind} {Name} to the wanted spec (a new revision, or drift restored)")]
    private static partial void LogRestored(ILogger logger, string kind, string name);

    [LoggerMessage(EventId = KubernetesEventIds.WorkloadRetrying, Level = LogLevel.Debug, Message = "Writing {Kind} {Name} hit {Error} (attempt {Attempt}); reading it again")]
    private static partial void LogRetrying(ILogger logger, string kind, string name, string error, int attempt);

    [LoggerMessage(EventId = KubernetesEventIds.WorkloadDeleted, Level = LogLevel.Information, Message = "Deleted {Kind} {Name}")]
    private static partial void LogDeleted(ILogger logger, string kind, string name);

    [LoggerMessage(EventId = KubernetesEventIds.WorkloadNotOwned, Level = LogLevel.Debug, Message = "{Kind} {Name} is not owned by its Function: left alone")]
    private static partial void LogNotOwned(ILogger logger, string kind, string name);

    [LoggerMessage(EventId = KubernetesEventIds.ArtifactDeleted, Level = LogLevel.Information, Message = "Deleted the superseded artifact ConfigMap {Name} of Function {Function}")]
    private static partial void LogArtifactDeleted(ILogger logger, string name, string function);

    [LoggerMessage(EventId = KubernetesEventIds.ArtifactOwned, Level = LogLevel.Debug, Message = "The artifact ConfigMap {Name} is owned by the Revisions {Owners}")]
    private static partial void LogArtifactOwned(ILogger logger, string name, string owners);

    [LoggerMessage(EventId = KubernetesEventIds.ArtifactOwnersFailed, Level = LogLevel.Warning, Message = "Could not make the Revisions naming the artifact ConfigMap {Name} its owners: {Error}")]
    private static partial void LogArtifactOwnersFailed(ILogger logger, string name, string error);

    [LoggerMessage(EventId = KubernetesEventIds.ArtifactDeleteFailed, Level = LogLevel.Warning, Message = "Could not delete the superseded artifact ConfigMap {Name}: {Error}")]
    private static partial void LogArtifactDeleteFailed(ILogger logger, string name, string error);
}
