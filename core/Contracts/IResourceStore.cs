using Serverless.Core.Api;

namespace Serverless.Core.Contracts;

/// <summary>
/// Durable storage of one resource kind with Kubernetes semantics: the store assigns
/// <c>metadata.uid</c>, <c>creationTimestamp</c>, <c>resourceVersion</c> and <c>generation</c>;
/// a write that carries a stale <c>resourceVersion</c> fails with <see cref="StoreErrorKind.Conflict"/>;
/// spec changes bump <c>generation</c>, status writes never do and never change the spec.
/// Local mode implements it over SQLite; Kubernetes mode over the CRD.
/// </summary>
/// <remarks>Implementations are thread-safe. Returned objects are copies the caller may mutate. List and watch come from <see cref="IListWatchSource{T}"/>.</remarks>
public interface IResourceStore<T> : IListWatchSource<T> where T : class, IResource
{
    Task<T?> GetAsync(string @namespace, string name, CancellationToken cancellationToken = default);

    /// <summary>Fails with <see cref="StoreErrorKind.AlreadyExists"/> when the name is taken.</summary>
    Task<T> CreateAsync(T resource, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces metadata (labels, annotations, finalizers) and spec; status is kept as stored.
    /// With <c>metadata.resourceVersion</c> set it must match the stored one (else Conflict);
    /// without it the write is unconditional. Fails with NotFound when the object does not exist.
    /// </summary>
    Task<T> ReplaceAsync(T resource, CancellationToken cancellationToken = default);

    /// <summary>Replaces only the status (the status subresource); same concurrency rule as <see cref="ReplaceAsync"/>.</summary>
    Task<T> ReplaceStatusAsync(T resource, CancellationToken cancellationToken = default);

    /// <summary>Returns false when there was nothing to delete.</summary>
    Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken = default);
}

/// <summary>A consistent snapshot and the version to watch from.</summary>
public sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion);

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>One change; for <see cref="WatchEventType.Deleted"/> the object is its last state.</summary>
public sealed record ResourceEvent<T>(WatchEventType Type, T Object);
