using Serverless.Core.Api;

namespace Serverless.Controller.Reconcilers.Function.Revisions;

/// <summary>Knative's revision GC decision, pure: which of a Function's revisions to delete now.</summary>
internal static class RevisionCollector
{
    /// <param name="revisions">The Function's revisions, any order.</param>
    /// <param name="active">Names that must stay: routed (percent or tag), latest created, latest ready.</param>
    public static IReadOnlyList<string> Collect(IEnumerable<Revision> revisions, ISet<string> active, RevisionRetention retention, DateTime now)
    {
        var nonActive = revisions
            .Where(r => r.Metadata.Name is { } name && !active.Contains(name))
            .OrderByDescending(RevisionBuilder.Generation)
            .ToList();
        var doomed = new List<string>();
        for (var i = 0; i < nonActive.Count; i++)
        {
            var revision = nonActive[i];
            var created = revision.Metadata.CreationTimestamp ?? now;
            var old = now - created >= retention.RetainSinceCreateTime;
            if (i >= retention.MaxNonActiveRevisions || (i >= retention.MinNonActiveRevisions && old))
            {
                doomed.Add(revision.Metadata.Name);
            }
        }

        return doomed;
    }
}
