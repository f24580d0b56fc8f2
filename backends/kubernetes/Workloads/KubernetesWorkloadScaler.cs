using k8s.Models;
using Serverless.Backends.Kubernetes.Api;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;

namespace Serverless.Backends.Kubernetes.Workloads;

/// <summary>
/// <see cref="IWorkloadScaler"/> over the scale subresource of a function's Deployment. Before a scale-down
/// the function's pods get a pod-deletion-cost equal to their in-flight requests
/// (<see cref="PodDeletionCostPlanner"/>), so the ReplicaSet controller removes the idlest pods first. The
/// status comes from the Deployment cache, never from an API call.
/// </summary>
/// <remarks>
/// Was KubernetesWorkloadBackend (autoscaler side, <c>ForAutoscaler</c>). It writes nothing but the scale
/// subresource and pod annotations; the Deployment and Service themselves are <see cref="KubernetesWorkloadManager"/>'s.
/// </remarks>
public sealed class KubernetesWorkloadScaler : IWorkloadScaler
{
    private readonly IWorkloadApi _api;
    private readonly ResourceInformer<V1Deployment> _deployments;
    private readonly IFunctionActivity _activity;

    /// <param name="client">The autoscaler's API client (deployments/scale: patch; pods: list, patch).</param>
    /// <param name="deployments">The managed Deployments (<see cref="KubeInformers.ManagedDeployments"/>); the caller runs it.</param>
    /// <param name="activity">In-flight requests per pod, from the activators' reports.</param>
    public KubernetesWorkloadScaler(k8s.IKubernetes client, ResourceInformer<V1Deployment> deployments, IFunctionActivity activity)
        : this(new KubeWorkloadApi(client), deployments, activity)
    {
    }

    internal KubernetesWorkloadScaler(IWorkloadApi api, ResourceInformer<V1Deployment> deployments, IFunctionActivity activity)
    {
        _api = api;
        _deployments = deployments;
        _activity = activity;
        _deployments.Changed += change => StatusChanged?.Invoke(ResourceInformer<V1Deployment>.KeyOf(change.Object));
    }

    /// <summary>Raised on every event of a managed Deployment (its creation included), keyed by its name.</summary>
    public event Action<FunctionKey>? StatusChanged;

    public async Task ScaleAsync(FunctionKey key, int replicas, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        if (_deployments.Cached(key)?.Spec?.Replicas is { } current && replicas < current)
        {
            await MarkDeletionCostsAsync(key, cancellationToken).ConfigureAwait(false);
        }

        await _api.ScaleDeploymentAsync(key.Namespace, key.Name, replicas, cancellationToken).ConfigureAwait(false);
    }

    public WorkloadStatus? GetStatus(FunctionKey key) =>
        _deployments.Cached(key) is { } deployment ? WorkloadStatusReader.Read(deployment) : null;

    private async Task MarkDeletionCostsAsync(FunctionKey key, CancellationToken cancellationToken)
    {
        // The Deployment's own selector: a split's other revision's pods are not selected by the Function's labels.
        var selector = _deployments.Cached(key)?.Spec?.Selector?.MatchLabels is { Count: > 0 } match
            ? string.Join(",", match.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value))
            : WorkloadLabels.PodSelector(key.Name);
        var pods = await _api.ListPodsAsync(key.Namespace, selector, cancellationToken).ConfigureAwait(false);
        var loads = pods
            .Where(p => p.Metadata?.Name is not null && p.Metadata.DeletionTimestamp is null)
            .Select(p => new PodLoad(
                p.Metadata.Name,
                p.Metadata.Annotations is { } annotations && annotations.TryGetValue(WorkloadLabels.PodDeletionCost, out var cost) ? cost : null,
                _activity.InFlight(key, p.Metadata.Name)));
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
}
