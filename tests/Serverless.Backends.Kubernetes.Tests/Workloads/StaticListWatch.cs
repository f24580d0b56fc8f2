using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Kubernetes.Tests.Workloads;

/// <summary>A fixed list and a watch that stays open: enough to fill an informer's cache for a table test.</summary>
internal sealed class StaticListWatch<T>(params T[] items) : IListWatchSource<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    public Task<ResourceList<T>> ListAsync(string? @namespace = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ResourceList<T>(items, "1"));

    public async IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? @namespace, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        yield break;
    }
}
