using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Naming;
using Serverless.Core.Serialization;

namespace Serverless.Controller.Reconcilers.Function.Revisions;

/// <summary>
/// The store side of a Function's revisions: list them, cut a new one when what runs changed, write their statuses,
/// collect the old ones, and delete them with their Function (local mode has no owner-reference garbage collector).
/// </summary>
internal sealed class RevisionSync(IResourceStore<Revision> store, RevisionRetention retention)
{
    public async Task<List<Revision>> ListAsync(string @namespace, string function, CancellationToken cancellationToken)
    {
        if (store is IFunctionRevisionLister lister)
        {
            return lister.ListOf(@namespace, function).OrderBy(RevisionBuilder.Generation).ToList();
        }

        var all = await store.ListAsync(@namespace, cancellationToken).ConfigureAwait(false);
        return all.Items
            .Where(r => r.Metadata.Labels?.TryGetValue(RevisionNames.FunctionLabel, out var owner) == true && owner == function)
            .OrderBy(RevisionBuilder.Generation)
            .ToList();
    }

    /// <summary>The Revision of the Function's current spec: the latest created one when its hash matches, else a new one (added to <paramref name="revisions"/>).</summary>
    public async Task<Revision> EnsureLatestAsync(Core.Api.Function function, string contentHash, List<Revision> revisions, CancellationToken cancellationToken)
    {
        var latest = revisions.Count > 0 ? revisions[^1] : null;
        if (latest is not null && latest.Spec.ContentHash == contentHash)
        {
            return latest;
        }

        var revision = RevisionBuilder.Build(function, contentHash);
        if (revisions.FirstOrDefault(r => r.Metadata.Name == revision.Metadata.Name) is { } same)
        {
            return same; // this generation's revision exists already (cut by an earlier pass)
        }

        Revision created;
        try
        {
            created = await store.CreateAsync(revision, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Kind == StoreErrorKind.AlreadyExists)
        {
            created = await store.GetAsync(revision.Metadata.NamespaceProperty, revision.Metadata.Name, cancellationToken).ConfigureAwait(false)
                ?? throw new StoreException(StoreErrorKind.Conflict, $"revision {revision.Metadata.Name} vanished while being created", e);
        }

        revisions.Add(created);
        return created;
    }

    /// <summary>Writes the status when it changed; a conflict or a deletion on the way is left to the next pass.</summary>
    public async Task WriteStatusAsync(Revision revision, RevisionStatus status, CancellationToken cancellationToken)
    {
        if (revision.Status is not null && ResourceJson.Serialize(revision.Status) == ResourceJson.Serialize(status))
        {
            return;
        }

        var copy = ResourceJson.Clone(revision);
        copy.Status = status;
        try
        {
            var written = await store.ReplaceStatusAsync(copy, cancellationToken).ConfigureAwait(false);
            revision.Status = written.Status;
            revision.Metadata.ResourceVersion = written.Metadata.ResourceVersion;
        }
        catch (StoreException e) when (e.Kind is StoreErrorKind.Conflict or StoreErrorKind.NotFound)
        {
        }
    }

    /// <summary>Deletes the revisions <see cref="RevisionCollector"/> picks; returns their names.</summary>
    public async Task<IReadOnlyList<string>> CollectAsync(IReadOnlyList<Revision> revisions, ISet<string> active, DateTime now, CancellationToken cancellationToken)
    {
        var doomed = RevisionCollector.Collect(revisions, active, retention, now);
        foreach (var name in doomed)
        {
            await store.DeleteAsync(revisions[0].Metadata.NamespaceProperty, name, cancellationToken).ConfigureAwait(false);
        }

        return doomed;
    }

    public async Task DeleteAllAsync(string @namespace, string function, CancellationToken cancellationToken)
    {
        foreach (var revision in await ListAsync(@namespace, function, cancellationToken).ConfigureAwait(false))
        {
            await store.DeleteAsync(@namespace, revision.Metadata.Name, cancellationToken).ConfigureAwait(false);
        }
    }
}
