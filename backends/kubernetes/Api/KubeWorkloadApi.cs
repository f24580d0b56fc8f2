using System.Net;
using System.Text.Json.Nodes;
using Serverless.Hosting.Kubernetes;
using k8s;
using k8s.Models;

namespace Serverless.Backends.Kubernetes.Api;

/// <summary><see cref="IWorkloadApi"/> over KubernetesClient. Every call here is listed in the RBAC rules of the component that uses it.</summary>
internal sealed class KubeWorkloadApi(IKubernetes client) : IWorkloadApi
{
    public Task<V1Deployment?> GetDeploymentAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        OrNull(() => client.AppsV1.ReadNamespacedDeploymentAsync(name, @namespace, cancellationToken: cancellationToken));

    public Task<V1Deployment> CreateDeploymentAsync(V1Deployment deployment, CancellationToken cancellationToken) =>
        KubeErrors.Map(
            () => client.AppsV1.CreateNamespacedDeploymentAsync(deployment, deployment.Metadata.NamespaceProperty, fieldManager: FieldManager, cancellationToken: cancellationToken),
            $"creating Deployment {Describe(deployment)}",
            creating: true);

    public Task<V1Deployment> ReplaceDeploymentAsync(V1Deployment deployment, CancellationToken cancellationToken) =>
        KubeErrors.Map(
            () => client.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, fieldManager: FieldManager, cancellationToken: cancellationToken),
            $"updating Deployment {Describe(deployment)}");

    public Task<bool> DeleteDeploymentAsync(string @namespace, string name, string? uid, CancellationToken cancellationToken) =>
        Deleted(() => client.AppsV1.DeleteNamespacedDeploymentAsync(
            name, @namespace, body: Precondition(uid), propagationPolicy: "Background", cancellationToken: cancellationToken));

    public Task ScaleDeploymentAsync(string @namespace, string name, int replicas, CancellationToken cancellationToken)
    {
        var patch = new V1Patch(new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } }.ToJsonString(), V1Patch.PatchType.MergePatch);
        return KubeErrors.Map(
            () => client.AppsV1.PatchNamespacedDeploymentScaleAsync(patch, name, @namespace, fieldManager: FieldManager, cancellationToken: cancellationToken),
            $"scaling Deployment {@namespace}/{name} to {replicas}");
    }

    public Task<V1Service?> GetServiceAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        OrNull(() => client.CoreV1.ReadNamespacedServiceAsync(name, @namespace, cancellationToken: cancellationToken));

    public Task<V1Service> CreateServiceAsync(V1Service service, CancellationToken cancellationToken) =>
        KubeErrors.Map(
            () => client.CoreV1.CreateNamespacedServiceAsync(service, service.Metadata.NamespaceProperty, fieldManager: FieldManager, cancellationToken: cancellationToken),
            $"creating Service {Describe(service)}",
            creating: true);

    public Task<V1Service> ReplaceServiceAsync(V1Service service, CancellationToken cancellationToken) =>
        KubeErrors.Map(
            () => client.CoreV1.ReplaceNamespacedServiceAsync(service, service.Metadata.Name, service.Metadata.NamespaceProperty, fieldManager: FieldManager, cancellationToken: cancellationToken),
            $"updating Service {Describe(service)}");

    public Task<bool> DeleteServiceAsync(string @namespace, string name, string? uid, CancellationToken cancellationToken) =>
        Deleted(() => client.CoreV1.DeleteNamespacedServiceAsync(name, @namespace, body: Precondition(uid), cancellationToken: cancellationToken));

    public Task<V2HorizontalPodAutoscaler?> GetHorizontalPodAutoscalerAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        OrNull(() => client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync(name, @namespace, cancellationToken: cancellationToken));

    public Task<V2HorizontalPodAutoscaler> CreateHorizontalPodAutoscalerAsync(V2HorizontalPodAutoscaler autoscaler, CancellationToken cancellationToken) =>
        KubeErrors.Map(
            () => client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(autoscaler, autoscaler.Metadata.NamespaceProperty, fieldManager: FieldManager, cancellationToken: cancellationToken),
            $"creating HorizontalPodAutoscaler {Describe(autoscaler)}",
            creating: true);

    public Task<V2HorizontalPodAutoscaler> ReplaceHorizontalPodAutoscalerAsync(V2HorizontalPodAutoscaler autoscaler, CancellationToken cancellationToken) =>
        KubeErrors.Map(
            () => client.AutoscalingV2.ReplaceNamespacedHorizontalPodAutoscalerAsync(
                autoscaler, autoscaler.Metadata.Name, autoscaler.Metadata.NamespaceProperty, fieldManager: FieldManager, cancellationToken: cancellationToken),
            $"updating HorizontalPodAutoscaler {Describe(autoscaler)}");

    public Task<bool> DeleteHorizontalPodAutoscalerAsync(string @namespace, string name, string? uid, CancellationToken cancellationToken) =>
        Deleted(() => client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync(name, @namespace, body: Precondition(uid), cancellationToken: cancellationToken));

    public Task<bool> DeleteConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Deleted(() => client.CoreV1.DeleteNamespacedConfigMapAsync(name, @namespace, cancellationToken: cancellationToken));

    public async Task<bool> SetConfigMapOwnersAsync(string @namespace, string name, IReadOnlyList<V1OwnerReference> owners, CancellationToken cancellationToken)
    {
        // Read, then a JSON patch that holds only while the ConfigMap is as read (its resourceVersion): a merge patch
        // would replace the whole list, and with it an owner someone else added. A lost race reads again.
        for (var attempt = 1; ; attempt++)
        {
            V1ConfigMap current;
            try
            {
                current = await KubeErrors.Map(
                    () => client.CoreV1.ReadNamespacedConfigMapAsync(name, @namespace, cancellationToken: cancellationToken),
                    $"reading configmap {@namespace}/{name}").ConfigureAwait(false);
            }
            catch (Core.Contracts.StoreException e) when (e.Kind == Core.Contracts.StoreErrorKind.NotFound)
            {
                return false;
            }

            var existing = current.Metadata.OwnerReferences ?? [];
            var wanted = Resources.ArtifactOwners.Merge(existing, owners);
            if (Resources.ArtifactOwners.Same(existing, wanted))
            {
                return true;
            }

            var operations = new object[]
            {
                new { op = "test", path = "/metadata/resourceVersion", value = current.Metadata.ResourceVersion },
                new { op = "add", path = "/metadata/ownerReferences", value = wanted },
            };
            var patch = new V1Patch(KubernetesJson.Serialize(operations), V1Patch.PatchType.JsonPatch);
            try
            {
                await KubeErrors.Map(
                    () => client.CoreV1.PatchNamespacedConfigMapAsync(patch, name, @namespace, fieldManager: FieldManager, cancellationToken: cancellationToken),
                    $"setting the owners of configmap {@namespace}/{name}").ConfigureAwait(false);
                return true;
            }
            catch (Core.Contracts.StoreException e) when (e.Kind == Core.Contracts.StoreErrorKind.NotFound)
            {
                return false;
            }
            catch (Core.Contracts.StoreException e) when (e.Kind is Core.Contracts.StoreErrorKind.Invalid or Core.Contracts.StoreErrorKind.Conflict && attempt < 3)
            {
                // The test failed (422 from kube-apiserver): it changed since it was read.
            }
        }
    }

    public async Task<IList<V1Pod>> ListPodsAsync(string @namespace, string labelSelector, CancellationToken cancellationToken)
    {
        var list = await KubeErrors.Map(
            () => client.CoreV1.ListNamespacedPodAsync(@namespace, labelSelector: labelSelector, cancellationToken: cancellationToken),
            $"listing pods {labelSelector} in {@namespace}").ConfigureAwait(false);
        return list.Items ?? [];
    }

    public Task AnnotatePodAsync(string @namespace, string name, string key, string? value, CancellationToken cancellationToken)
    {
        // A JSON merge patch: null removes the annotation; nothing else of the pod is touched.
        var body = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [key] = value } } };
        var patch = new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch);
        return KubeErrors.Map(
            () => client.CoreV1.PatchNamespacedPodAsync(patch, name, @namespace, fieldManager: FieldManager, cancellationToken: cancellationToken),
            $"annotating pod {@namespace}/{name}");
    }

    /// <summary>The field manager named in managedFields for every write.</summary>
    public const string FieldManager = "serverless";

    private static string Describe(IKubernetesObject<V1ObjectMeta> item) => item.Metadata.NamespaceProperty + "/" + item.Metadata.Name;

    private static async Task<T?> OrNull<T>(Func<Task<T>> read) where T : class
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    // The uid precondition: the cache may be behind, and an object that replaced ours under the same name is not ours.
    private static V1DeleteOptions? Precondition(string? uid) => uid is null ? null : new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = uid } };

    private static async Task<bool> Deleted<T>(Func<Task<T>> delete)
    {
        try
        {
            await delete().ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.NotFound) || KubeErrors.Is(e, HttpStatusCode.Conflict))
        {
            // Conflict: the uid precondition failed, the name belongs to another object now.
            return false;
        }
    }
}
