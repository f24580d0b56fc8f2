using k8s;
using k8s.Models;

namespace Serverless.Core.Contracts;

/// <summary>
/// What an informer needs of a source of objects: a consistent list and the changes after it. Our own
/// resources get it from their <see cref="IResourceStore{T}"/>; Kubernetes built-in kinds (Deployments,
/// EndpointSlices) from the API server, so one <see cref="Informers.ResourceInformer{T}"/> serves both.
/// </summary>
public interface IListWatchSource<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Every object, or those of one namespace, ordered by namespace then name.</summary>
    Task<ResourceList<T>> ListAsync(string? @namespace = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes after <paramref name="resourceVersion"/> (a value from a list or an earlier event), in order.
    /// When that version is older than the source can replay, the enumeration fails with
    /// <see cref="StoreErrorKind.Expired"/> (Kubernetes' 410 Gone) and the caller re-lists.
    /// A consumer that falls too far behind is ended the same way rather than buffered without bound.
    /// </summary>
    IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? @namespace, string resourceVersion, CancellationToken cancellationToken = default);
}
