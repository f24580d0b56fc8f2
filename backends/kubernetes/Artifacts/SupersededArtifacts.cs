using k8s.Models;

namespace Serverless.Backends.Kubernetes.Artifacts;

/// <summary>
/// Which artifact ConfigMaps of a Function can go: those a ReplicaSet of its Deployment once mounted, that no
/// ReplicaSet with pods mounts any more and that the Function's spec no longer names. Pure.
/// </summary>
/// <remarks>
/// Deciding from ReplicaSets rather than from the ConfigMaps themselves keeps two races out: an artifact just uploaded
/// by <c>func deploy</c> and not yet named by the Function was never mounted, so it is not a candidate; and one whose
/// old pods still run (a rollout in progress, or stalled) stays until its ReplicaSet has scaled to zero. An old
/// ReplicaSet kept at zero for rollback history still names its ConfigMap: a rollback to it would not start, which is
/// the Function's spec's business anyway (the controller restores the Deployment to the spec).
/// </remarks>
internal static class SupersededArtifacts
{
    /// <param name="current">The ConfigMap the Function's spec names (<c>spec.source.configMap</c>), null for an image.</param>
    /// <param name="replicaSets">The ReplicaSets of the Function's Deployment.</param>
    /// <param name="released">
    /// The artifacts of the Function's Revisions deleted since (issue #17): a revision's own Deployment goes with its
    /// Revision, ReplicaSets and all, so no ReplicaSet is left to name its artifact. They go unless still mounted.
    /// </param>
    public static IReadOnlyList<string> Find(string? current, IEnumerable<V1ReplicaSet> replicaSets, IEnumerable<string>? released = null)
    {
        var mounted = new SortedSet<string>(released ?? [], StringComparer.Ordinal);
        var inUse = new HashSet<string>(StringComparer.Ordinal);
        foreach (var replicaSet in replicaSets)
        {
            var names = ConfigMaps(replicaSet).ToList();
            mounted.UnionWith(names);
            if ((replicaSet.Spec?.Replicas ?? 0) > 0 || (replicaSet.Status?.Replicas ?? 0) > 0)
            {
                inUse.UnionWith(names);
            }
        }

        return mounted.Where(name => name != current && !inUse.Contains(name)).ToList();
    }

    private static IEnumerable<string> ConfigMaps(V1ReplicaSet replicaSet) =>
        (replicaSet.Spec?.Template?.Spec?.Volumes ?? [])
            .Select(v => v.ConfigMap?.Name)
            .OfType<string>()
            .Where(n => n.Length > 0);
}
