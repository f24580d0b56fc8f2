using k8s.Models;

namespace Serverless.Backends.Kubernetes.Api;

/// <summary>
/// The calls the workload manager and scaler make, and nothing else: a narrow role interface so their decisions are
/// tested with a fake, and so the RBAC rules can be read off one place. Errors are
/// <see cref="Core.Contracts.StoreException"/>s (NotFound, AlreadyExists, Conflict, Invalid).
/// </summary>
internal interface IWorkloadApi
{
    Task<V1Deployment?> GetDeploymentAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<V1Deployment> CreateDeploymentAsync(V1Deployment deployment, CancellationToken cancellationToken);

    Task<V1Deployment> ReplaceDeploymentAsync(V1Deployment deployment, CancellationToken cancellationToken);

    /// <summary>Deletes the Deployment with that uid; false when there was nothing to delete (or another object has the name now).</summary>
    Task<bool> DeleteDeploymentAsync(string @namespace, string name, string? uid, CancellationToken cancellationToken);

    /// <summary>Sets <c>spec.replicas</c> through the <c>deployments/scale</c> subresource.</summary>
    Task ScaleDeploymentAsync(string @namespace, string name, int replicas, CancellationToken cancellationToken);

    Task<V1Service?> GetServiceAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<V1Service> CreateServiceAsync(V1Service service, CancellationToken cancellationToken);

    Task<V1Service> ReplaceServiceAsync(V1Service service, CancellationToken cancellationToken);

    /// <summary>Deletes the Service with that uid; false when there was nothing to delete (or another object has the name now).</summary>
    Task<bool> DeleteServiceAsync(string @namespace, string name, string? uid, CancellationToken cancellationToken);

    Task<V2HorizontalPodAutoscaler?> GetHorizontalPodAutoscalerAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<V2HorizontalPodAutoscaler> CreateHorizontalPodAutoscalerAsync(V2HorizontalPodAutoscaler autoscaler, CancellationToken cancellationToken);

    Task<V2HorizontalPodAutoscaler> ReplaceHorizontalPodAutoscalerAsync(V2HorizontalPodAutoscaler autoscaler, CancellationToken cancellationToken);

    /// <summary>Deletes the HorizontalPodAutoscaler with that uid; false when there was nothing to delete (or another object has the name now).</summary>
    Task<bool> DeleteHorizontalPodAutoscalerAsync(string @namespace, string name, string? uid, CancellationToken cancellationToken);

    /// <summary>Deletes a superseded artifact ConfigMap; false when it was gone already.</summary>
    Task<bool> DeleteConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="owners"/> an artifact ConfigMap's serverless.dev owners (its Function and Revision
    /// ownerReferences), keeping every other ownerReference (<see cref="Resources.ArtifactOwners"/>); false when the
    /// ConfigMap does not exist.
    /// </summary>
    Task<bool> SetConfigMapOwnersAsync(string @namespace, string name, IReadOnlyList<V1OwnerReference> owners, CancellationToken cancellationToken);

    Task<IList<V1Pod>> ListPodsAsync(string @namespace, string labelSelector, CancellationToken cancellationToken);

    /// <summary>Sets (or with null removes) one annotation of a pod with a merge patch.</summary>
    Task AnnotatePodAsync(string @namespace, string name, string key, string? value, CancellationToken cancellationToken);
}
