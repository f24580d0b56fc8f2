using k8s.Models;
using Microsoft.Extensions.Logging;
using Serverless.Backends.Kubernetes.Api;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using FunctionResource = Serverless.Core.Api.Function;

namespace Serverless.Backends.Kubernetes.Workloads;

/// <summary>
/// <see cref="IWorkloadManager"/> over a Deployment and a Service per function. Reads come from informer
/// caches (no API call to learn the status or to find out that nothing changed); writes are
/// create-or-replace with optimistic concurrency, retried on conflict against a fresh read. Any change to a
/// managed Deployment or Service (a deletion, an edit, the Deployment controller's status) raises
/// <see cref="StatusChanged"/> for its owner Function, which is how drift gets corrected.
/// </summary>
/// <remarks>
/// Was KubernetesWorkloadBackend (controller side). It never sets <c>spec.replicas</c> of a Deployment that
/// exists: that is <see cref="KubernetesWorkloadScaler"/>'s, in the autoscaler.
/// </remarks>
public sealed partial class KubernetesWorkloadManager : IWorkloadManager
{
    /// <summary>Writes tried per object before a reconcile gives up and is retried with backoff.</summary>
    public const int MaxConflictAttempts = 3;

    private readonly IWorkloadApi _api;
    private readonly ResourceInformer<V1Deployment> _deployments;
    private readonly ResourceInformer<V1Service> _services;
    private readonly Func<FunctionKey, FunctionResource?> _functions;
    private readonly KubernetesWorkloadOptions _options;
    private readonly ILogger _logger;

    /// <param name="client">The controller's API client (Deployments and Services: create, update, delete).</param>
    /// <param name="deployments">The managed Deployments (<see cref="KubeInformers.ManagedDeployments"/>); the caller runs it.</param>
    /// <param name="services">The managed Services (<see cref="KubeInformers.ManagedServices"/>); the caller runs it.</param>
    /// <param name="functions">The Function of a key from the controller's cache: its uid makes the ownerReference.</param>
    public KubernetesWorkloadManager(
        k8s.IKubernetes client,
        ResourceInformer<V1Deployment> deployments,
        ResourceInformer<V1Service> services,
        Func<FunctionKey, FunctionResource?> functions,
        KubernetesWorkloadOptions options,
        ILogger logger)
        : this(new KubeWorkloadApi(client), deployments, services, functions, options, logger)
    {
    }

    internal KubernetesWorkloadManager(
        IWorkloadApi api,
        ResourceInformer<V1Deployment> deployments,
        ResourceInformer<V1Service> services,
        Func<FunctionKey, FunctionResource?> functions,
        KubernetesWorkloadOptions options,
        ILogger logger)
    {
        _api = api;
        _deployments = deployments;
        _services = services;
        _functions = functions;
        _options = options;
        _logger = logger;
        _deployments.Changed += change => StatusChanged?.Invoke(OwnerKey(change.Object.Metadata));
        _services.Changed += change => StatusChanged?.Invoke(OwnerKey(change.Object.Metadata));
    }

    public event Action<FunctionKey>? StatusChanged;

    public async Task EnsureAsync(WorkloadSpec spec, int replicasIfCreated, CancellationToken cancellationToken = default)
    {
        if (_functions(spec.Key) is not { } function)
        {
            return; // deleted meanwhile: the deletion reconciles next, and the garbage collector follows ownerReferences
        }

        var deployment = DeploymentBuilder.Build(function, spec, _options, replicasIfCreated);
        await EnsureObjectAsync(
            "Deployment",
            deployment,
            _deployments.Cached(spec.Key),
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
            _services.Cached(spec.Key),
            function,
            LiveObjectMatcher.ServiceMatches,
            ServiceBuilder.ForUpdate,
            _api.GetServiceAsync,
            _api.CreateServiceAsync,
            _api.ReplaceServiceAsync,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(FunctionKey key, CancellationToken cancellationToken = default)
    {
        // Only what the caches know of: the ownerReferences let the garbage collector remove anything
        // created a moment ago that the caches have not seen yet, and a repeated delete costs no call.
        if (_deployments.Cached(key) is not null && await _api.DeleteDeploymentAsync(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false))
        {
            LogDeleted(_logger, "Deployment", key.ToString());
        }

        if (_services.Cached(key) is not null && await _api.DeleteServiceAsync(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false))
        {
            LogDeleted(_logger, "Service", key.ToString());
        }
    }

    public WorkloadStatus? GetStatus(FunctionKey key) =>
        _deployments.Cached(key) is { } deployment ? WorkloadStatusReader.Read(deployment) : null;

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
