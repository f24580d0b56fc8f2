using System.Runtime.CompilerServices;
using System.Threading.Channels;
using IKubernetesObject = k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Kubernetes.Tests.Workloads;

/// <summary>A fixed list, then the watch events a test sends: an informer whose every event the test decides.</summary>
internal sealed class ChannelListWatch<T>(params T[] items) : IListWatchSource<T> where T : class, IKubernetesObject
{
    private readonly Channel<ResourceEvent<T>> _events = Channel.CreateUnbounded<ResourceEvent<T>>();

    public void Send(WatchEventType type, T item) => _events.Writer.TryWrite(new ResourceEvent<T>(type, item));

    public Task<ResourceList<T>> ListAsync(string? @namespace = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ResourceList<T>(items, "1"));

    public async IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? @namespace, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var change in _events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return change;
        }
    }
}
