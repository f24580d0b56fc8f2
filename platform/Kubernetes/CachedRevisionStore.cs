using Serverless.Controller.Reconcilers.Function.Revisions;
using Serverless.Core.Api;
using Serverless.Core.Naming;
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
/// The cache may be a moment behind the controller's own writes: what a create or a status write answered is read
/// through <see cref="WrittenObjects{T}"/> until the watch brings it, so the next pass neither cuts the Revision again
/// nor writes the same status again over a stale copy (each a call, and the second a conflict). A write of someone
/// else's still meets a conflict and is written by the pass its own watch event starts. Items are copies: the
/// reconciler sets their status, and the cache is shared.
/// </remarks>
/// <param name="created">Called with each Revision created (its artifact is made owned by it).</param>
internal sealed class CachedRevisionStore(IResourceStore<Revision> api, WrittenObjects<Revision> cache, Func<Revision, CancellationToken, Task> created)
    : IResourceStore<Revision>, IFunctionRevisionLister
{
    public IReadOnlyList<Revision> ListOf(string @namespace, string function) =>
        cache.List(r => r.Metadata.NamespaceProperty == @namespace
                && r.Metadata.Labels?.TryGetValue(RevisionNames.FunctionLabel, out var owner) == true && owner == function)
            .Select(ResourceJson.Clone)
            .ToList();

    public Task<ResourceList<Revision>> ListAsync(string? @namespace = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ResourceList<Revision>(
            cache.List(r => @namespace is null || r.Metadata.NamespaceProperty == @namespace).Select(ResourceJson.Clone).ToList(),
            ""));

    public IAsyncEnumerable<ResourceEvent<Revision>> WatchAsync(string? @namespace, string resourceVersion, CancellationToken cancellationToken = default) =>
        api.WatchAsync(@namespace, resourceVersion, cancellationToken);

    public Task<Revision?> GetAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        api.GetAsync(@namespace, name, cancellationToken);

    public async Task<Revision> CreateAsync(Revision resource, CancellationToken cancellationToken = default)
    {
        var revision = await api.CreateAsync(resource, cancellationToken).ConfigureAwait(false);
        cache.Remember(ResourceJson.Clone(revision));
        await created(ResourceJson.Clone(revision), cancellationToken).ConfigureAwait(false);
        return revision;
    }

    public Task<Revision> ReplaceAsync(Revision resource, CancellationToken cancellationToken = default) =>
        api.ReplaceAsync(resource, cancellationToken);

    public async Task<Revision> ReplaceStatusAsync(Revision resource, CancellationToken cancellationToken = default)
    {
        var written = await api.ReplaceStatusAsync(resource, cancellationToken).ConfigureAwait(false);
        cache.Remember(ResourceJson.Clone(written));
        return written;
    }

    public Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        api.DeleteAsync(@namespace, name, cancellationToken);
}
