using k8s;
using k8s.Models;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Backends.Kubernetes.Api;

/// <summary>List + watch sources of the built-in kinds the platform follows, all namespaces or one.</summary>
internal static class KubeSources
{
    public static KubeListWatch<V1Deployment> Deployments(IKubernetes client, string labelSelector) => new(
        async (ns, ct) =>
        {
            var list = ns is null
                ? await client.AppsV1.ListDeploymentForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct).ConfigureAwait(false)
                : await client.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: labelSelector, cancellationToken: ct).ConfigureAwait(false);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        (ns, version, onError, ct) => ns is null
            ? client.AppsV1.WatchListDeploymentForAllNamespacesAsync(
                allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: version,
                timeoutSeconds: KubeListWatch<V1Deployment>.WatchTimeoutSeconds, onError: onError, cancellationToken: ct)
            : client.AppsV1.WatchListNamespacedDeploymentAsync(
                ns, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: version,
                timeoutSeconds: KubeListWatch<V1Deployment>.WatchTimeoutSeconds, onError: onError, cancellationToken: ct));

    public static KubeListWatch<V1ReplicaSet> ReplicaSets(IKubernetes client, string labelSelector) => new(
        async (ns, ct) =>
        {
            var list = ns is null
                ? await client.AppsV1.ListReplicaSetForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct).ConfigureAwait(false)
                : await client.AppsV1.ListNamespacedReplicaSetAsync(ns, labelSelector: labelSelector, cancellationToken: ct).ConfigureAwait(false);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        (ns, version, onError, ct) => ns is null
            ? client.AppsV1.WatchListReplicaSetForAllNamespacesAsync(
                allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: version,
                timeoutSeconds: KubeListWatch<V1ReplicaSet>.WatchTimeoutSeconds, onError: onError, cancellationToken: ct)
            : client.AppsV1.WatchListNamespacedReplicaSetAsync(
                ns, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: version,
                timeoutSeconds: KubeListWatch<V1ReplicaSet>.WatchTimeoutSeconds, onError: onError, cancellationToken: ct));

    public static KubeListWatch<V1Service> Services(IKubernetes client, string labelSelector) => new(
        async (ns, ct) =>
        {
            var list = ns is null
                ? await client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct).ConfigureAwait(false)
                : await client.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: labelSelector, cancellationToken: ct).ConfigureAwait(false);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        (ns, version, onError, ct) => ns is null
            ? client.CoreV1.WatchListServiceForAllNamespacesAsync(
                allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: version,
                timeoutSeconds: KubeListWatch<V1Service>.WatchTimeoutSeconds, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedServiceAsync(
                ns, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: version,
                timeoutSeconds: KubeListWatch<V1Service>.WatchTimeoutSeconds, onError: onError, cancellationToken: ct));

    public static KubeListWatch<V2HorizontalPodAutoscaler> HorizontalPodAutoscalers(IKubernetes client, string labelSelector) => new(
        async (ns, ct) =>
        {
            var list = ns is null
                ? await client.AutoscalingV2.ListHorizontalPodAutoscalerForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct).ConfigureAwait(false)
                : await client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(ns, labelSelector: labelSelector, cancellationToken: ct).ConfigureAwait(false);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        (ns, version, onError, ct) => ns is null
            ? client.AutoscalingV2.WatchListHorizontalPodAutoscalerForAllNamespacesAsync(
                allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: version,
                timeoutSeconds: KubeListWatch<V2HorizontalPodAutoscaler>.WatchTimeoutSeconds, onError: onError, cancellationToken: ct)
            : client.AutoscalingV2.WatchListNamespacedHorizontalPodAutoscalerAsync(
                ns, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: version,
                timeoutSeconds: KubeListWatch<V2HorizontalPodAutoscaler>.WatchTimeoutSeconds, onError: onError, cancellationToken: ct));

    public static KubeListWatch<V1EndpointSlice> EndpointSlices(IKubernetes client, string labelSelector) => new(
        async (ns, ct) =>
        {
            var list = ns is null
                ? await client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: ct).ConfigureAwait(false)
                : await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, labelSelector: labelSelector, cancellationToken: ct).ConfigureAwait(false);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        (ns, version, onError, ct) => ns is null
            ? client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(
                allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: version,
                timeoutSeconds: KubeListWatch<V1EndpointSlice>.WatchTimeoutSeconds, onError: onError, cancellationToken: ct)
            : client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(
                ns, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: version,
                timeoutSeconds: KubeListWatch<V1EndpointSlice>.WatchTimeoutSeconds, onError: onError, cancellationToken: ct));
}
