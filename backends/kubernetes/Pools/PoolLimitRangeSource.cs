using k8s;
using k8s.Models;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>List + watch of the LimitRanges of every namespace, for the pool reconciler's informer.</summary>
internal static class PoolLimitRangeSource
{
    public static KubeListWatch<V1LimitRange> Create(IKubernetes client) => new(
        async (_, ct) =>
        {
            var list = await client.CoreV1.ListLimitRangeForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false);
            return (list.Items, list.Metadata?.ResourceVersion);
        },
        (_, version, onError, ct) => client.CoreV1.WatchListLimitRangeForAllNamespacesAsync(
            allowWatchBookmarks: true, resourceVersion: version,
            timeoutSeconds: KubeListWatch<V1LimitRange>.WatchTimeoutSeconds, onError: onError, cancellationToken: ct));
}
