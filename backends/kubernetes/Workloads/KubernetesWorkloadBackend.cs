using k8s.Models;
using Microsoft.Extensions.Logging;
using Serverless.Backends.Kubernetes.Api;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using FunctionResource = Serverless.Core.Api.Function;

namespace Serverless.Backends.Kubernetes.Workloads;

/// <summary>
/// <see cref="IWorkloadBackend"/> over a Deployment and a Service per function. Reads come from informer
/// caches (no API call to learn the status or to find out that nothing changed); writes are
/// create-or-replace with optimistic concurrency, retried on conflict against a fresh read. Any change to a
/// managed Deployment or Service (a deletion, an edit, the Deployment controller's status) raises
/// <see cref="StatusChanged"/> for its owner Function, which is how drift gets corrected.
/// </summary>
/// <remarks>
/// The controller uses <see cref="EnsureAsync"/>, <see cref="DeleteAsync"/> and <see cref="GetStatus"/>; the
/// autoscaler uses <see cref="ScaleAsync"/> and <see cref="GetStatus"/> and constructs it without a Service
/// cache or Function lookup.
/// </remarks>
public sealed partial class KubernetesWorkloadBackend : IWorkloadBackend
{
    /// <summary>Writes tried per object before a reconcile gives up and is retried with backoff.</summary>
    public const int MaxConflictAttempts = 3;

    private readonly IWorkloadApi _api;
    private readonly ResourceInformer<V1Deployment> _deployments;
    private readonly ResourceInformer<V1Service>? _services;
    private readonly Func<FunctionKey, FunctionResource?>? _functions;
    private readonly IFunctionActivity? _activity;
    private readonly KubernetesWorkloadOptions _options;
    private readonly ILogger _logger;

    internal KubernetesWorkloadBackend(
        IWorkloadApi api,
        ResourceInformer<V1Deployment> deployments,
        ResourceInformer<V1Service>? services,
        Func<FunctionKey, FunctionResource?>? functions,
        IFunctionActivity? activity,
        KubernetesWorkloadOptions options,
        ILogger logger)
    {
        _api = api;
        _deployments = deployments;
        _services = services;
        _functions = functions;
        _activity = activity;
        _options = options;
        _logger = logger;
        _deployments.Changed += change => StatusChanged?.Invoke(OwnerKey(change.Object.Metadata));
        if (_services is not null)
        {
            _services.Changed += change => StatusChanged?.Invoke(OwnerKey(change.Object.Metadata));
        }
    }

    /// <summary>For the controller: creates and repairs workloads.</summary>
    public static KubernetesWorkloadBackend ForController(
        k8s.IKubernetes client,
        ResourceInformer<V1Deployment> deployments,
        ResourceInformer<V1Service> services,
        Func<FunctionKey, FunctionResource?> functions,
        KubernetesWorkloadOptions options,
        ILogger logger) =>
        new(new KubeWorkloadApi(client), deployments, services, functions, activity: null, options, logger);

    /// <summary>For the autoscaler: scales workloads, marking the busiest pods expensive to delete first.</summary>
    public static KubernetesWorkloadBackend ForAutoscaler(
        k8s.IKubernetes client, ResourceInformer<V1Deployment> deployments, IFunctionActivity activity, ILogger logger) =>
        new(new KubeWorkloadApi(client), deployments, services: null, functions: null, activity, new KubernetesWorkloadOptions(), logger);

    public event Action<FunctionKey>? StatusChanged;

    public async Task EnsureAsync(WorkloadSpec spec, int replicasIfCreated, CancellationToken cancellationToken = default)
    {
        if (_functions is null || _services is null)
        {
            throw new InvalidOperationException("this backend was built for scaling only; EnsureAsync needs the Function lookup and the Service cache");
        }

        if (_functions(spec.Key) is not { } function)
        {
            return; // deleted meanwhile: the deletion reconciles next, and the garbage collector follows ownerReferences
        }

        var deployment = DeploymentBuilder.Build(function, spec, _options, replicasIfCreated);
        await EnsureObjectAsync(
            "Deployment",
            deployment,
            Cached(_deployments, spec.Key),
            function,
            LiveObjectMatcher.DeploymentMatches,
            DeploymentBuilder.ForUpdate,
            _api.GetDeploymentAsync,
            _api.CreateDeploymentAsync,
            _api.ReplaceDeploymentAsync,
            cancellationToken).ConfigureAwait(false);

        var service = ServiceBuilder.Build(function, spec.Key);
        await EnsureObjectAsync(
            "Service",
            service,
            Cached(_services, spec.Key),
            function,
            LiveObjectMatcher.ServiceMatches,
            ServiceBuilder.ForUpdate,
            _api.GetServiceAsync,
            _api.CreateServiceAsync,
            _api.ReplaceServiceAsync,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task ScaleAsync(FunctionKey key, int replicas, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        if (_activity is not null && Cached(_deployments, key)?.Spec?.Replicas is { } current && replicas < current)
        {
            await MarkDeletionCostsAsync(key, cancellationToken).ConfigureAwait(false);
        }

        await _api.ScaleDeploymentAsync(key.Namespace, key.Name, replicas, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(FunctionKey key, CancellationToken cancellationToken = default)
    {
        // Only what the caches know of: the ownerReferences let the garbage collector remove anything
        // created a moment ago that the caches have not seen yet, and a repeated delete costs no call.
        if (Cached(_deployments, key) is not null && await _api.DeleteDeploymentAsync(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false))
        {
            LogDeleted(_logger, "Deployment", key.ToString());
        }

        if (_services is not null && Cached(_services, key) is not null && await _api.DeleteServiceAsync(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false))
        {
            LogDeleted(_logger, "Service", key.ToString());
        }
    }

    public WorkloadStatus? GetStatus(FunctionKey key) =>
        Cached(_deployments, key) is { } deployment ? WorkloadStatusReader.Read(deployment) : null;

    private async Task EnsureObjectAsync<T>(
        string kind,
        T desired,
        T? cached,
        FunctionResource owner,
        Func<T, T, bool> matches,
        Func<T, T, T> forUpdate,
        Func<string, string, CancellationToken, Task<T?>> get,
        Func<T, CancellationToken, Task<T>> create,
        Func<T, CancellationToken, Task<T>> replace,
        CancellationToken cancellationToken)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta>
    {
        var ns = desired.Metadata.NamespaceProperty;
        var name = desired.Metadata.Name;
        var live = cached;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (live is null)
                {
                    await create(desired, cancellationToken).ConfigureAwait(false);
                    LogCreated(_logger, kind, ns + "/" + name);
                    return;
                }

                if (matches(live, desired))
                {
                    return;
                }

                EnsureOwned(kind, live, owner);
                await replace(forUpdate(live, desired), cancellationToken).ConfigureAwait(false);
                LogRestored(_logger, kind, ns + "/" + name);
                return;
            }
            catch (StoreException e) when (e.Kind is StoreErrorKind.AlreadyExists or StoreErrorKind.Conflict or StoreErrorKind.NotFound
                && attempt < MaxConflictAttempts)
            {
                // The cache was behind: someone created, changed or deleted it. Decide again on a fresh read.
                LogRetrying(_logger, kind, ns + "/" + name, e.Kind.ToString(), attempt);
                live = await get(ns, name, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>An object with the function's name that another owner controls is never overwritten.</summary>
    private static void EnsureOwned(string kind, k8s.IKubernetesObject<V1ObjectMeta> live, FunctionResource owner)
    {
        var controller = live.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        if (controller is not null && controller.Uid != owner.Metadata.Uid)
        {
            throw new InvalidOperationException(
                $"{kind} {live.Metadata.NamespaceProperty}/{live.Metadata.Name} is controlled by {controller.Kind} {controller.Name} (uid {controller.Uid}), not by this Function; delete it or rename the Function");
        }
    }

    private async Task MarkDeletionCostsAsync(FunctionKey key, CancellationToken cancellationToken)
    {
        var pods = await _api.ListPodsAsync(key.Namespace, WorkloadLabels.PodSelector(key.Name), cancellationToken).ConfigureAwait(false);
        var loads = pods
            .Where(p => p.Metadata?.Name is not null && p.Metadata.DeletionTimestamp is null)
            .Select(p => new PodLoad(
                p.Metadata.Name,
                p.Metadata.Annotations is { } annotations && annotations.TryGetValue(WorkloadLabels.PodDeletionCost, out var cost) ? cost : null,
                _activity!.InFlight(key, p.Metadata.Name)));
        foreach (var (pod, cost) in PodDeletionCostPlanner.Plan(loads))
        {
            try
            {
                await _api.AnnotatePodAsync(key.Namespace, pod, WorkloadLabels.PodDeletionCost, cost, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound)
            {
                // The pod went away meanwhile: nothing to protect.
            }
        }
    }

    private static T? Cached<T>(ResourceInformer<T> informer, FunctionKey key) where T : class, k8s.IKubernetesObject<V1ObjectMeta> =>
        informer.TryGet(key, out var value) ? value : null;

    private static FunctionKey OwnerKey(V1ObjectMeta metadata) =>
        new(metadata.NamespaceProperty ?? "", FunctionOwner.NameOf(metadata) ?? metadata.Name ?? "");

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Created {Kind} {Name}")]
    private static partial void LogCreated(ILogger logger, string kind, string name);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Updated {Kind} {Name} to the wanted spec (a new revision, or drift restored)")]
    private static partial void LogRestored(ILogger logger, string kind, string name);

    [LoggerMessage(EventId = 502, Level = LogLevel.Debug, Message = "Writing {Kind} {Name} hit {Error} (attempt {Attempt}); reading it again")]
    private static partial void LogRetrying(ILogger logger, string kind, string name, string error, int attempt);

    [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "Deleted {Kind} {Name}")]
    private static partial void LogDeleted(ILogger logger, string kind, string name);
}
