using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Serialization;
using Serverless.Hosting.Informers;

namespace Serverless.Platform.Kubernetes;

/// <summary>
/// The Revision store the Kubernetes controller's reconciler works with: a Function's Revisions are read from the
/// Revision informer's cache, as its Deployments are (a reconcile makes no LIST call; at 1,000 Functions a list of the
/// namespace's Revisions per reconcile would be most of the work), and every write goes to the API server.
/// </summary>
/// <remarks>
/// The cache may be a moment behind: a Revision just cut is created again and answered AlreadyExists, which the
/// reconciler reads back; a status written over a stale copy meets a conflict and is written by the pass its own watch
/// event starts. Items are copies: the reconciler sets their status, and the cache is shared.
/// </remarks>
internal sealed class CachedRevisionStore(IResourceStore<Revision> api, ResourceInformer<Revision> cache) : IResourceStore<Revision>
{
    public Task<ResourceList<Revision>> ListAsync(string? @namespace = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ResourceList<Revision>(
            cache.List().Where(r => @namespace is null || r.Metadata.NamespaceProperty == @namespace).Select(ResourceJson.Clone).ToList(),
            ""));

    public IAsyncEnumerable<ResourceEvent<Revision>> WatchAsync(string? @namespace, string resourceVersion, CancellationToken cancellationToken = default) =>
        api.WatchAsync(@namespace, resourceVersion, cancellationToken);

    public Task<Revision?> GetAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        api.GetAsync(@namespace, name, cancellationToken);

    public Task<Revision> CreateAsync(Revision resource, CancellationToken cancellationToken = default) =>
        api.CreateAsync(resource, cancellationToken);

    public Task<Revision> ReplaceAsync(Revision resource, CancellationToken cancellationToken = default) =>
        api.ReplaceAsync(resource, cancellationToken);

    public Task<Revision> ReplaceStatusAsync(Revision resource, CancellationToken cancellationToken = default) =>
        api.ReplaceStatusAsync(resource, cancellationToken);

    public Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        api.DeleteAsync(@namespace, name, cancellationToken);
}
