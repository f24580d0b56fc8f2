using k8s;
using k8s.Models;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>List + watch of the ResourceQuotas of every namespace, for the pool reconciler's informer.</summary>
internal static class PoolQuotaSource
{
    public static KubeListWatch<V1ResourceQuota> Create(IKubernetes client) => new(
        async (_, ct) =>
        {
            var list = await client.CoreV1.ListResourceQuotaForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        (_, version, onError, ct) => client.CoreV1.WatchListResourceQuotaForAllNamespacesAsync(
            allowWatchBookmarks: true, resourceVersion: version,
            timeoutSeconds: KubeListWatch<V1ResourceQuota>.WatchTimeoutSeconds, onError: onError, cancellationToken: ct));
}
