using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>
/// The ownerReferences of an artifact ConfigMap. Ours are the serverless.dev Function (which <c>func deploy</c> sets
/// until a Revision runs the artifact) and Revisions (each Revision that runs it); the controller sets those and keeps
/// every other one, such as an owner a user or another tool added, in its place.
/// </summary>
internal static class ArtifactOwners
{
    /// <summary>Whether <paramref name="owner"/> is a Function or Revision of this API group (of any version).</summary>
    public static bool IsOurs(V1OwnerReference owner) =>
        owner.ApiVersion is { } apiVersion
        && apiVersion.StartsWith(ApiGroup.Group + "/", StringComparison.Ordinal)
        && owner.Kind is Function.KindName or Revision.KindName;

    /// <summary><paramref name="existing"/> without ours, in its order, then <paramref name="ours"/>.</summary>
    public static List<V1OwnerReference> Merge(IEnumerable<V1OwnerReference> existing, IEnumerable<V1OwnerReference> ours) =>
        [.. existing.Where(o => !IsOurs(o)), .. ours];

    /// <summary>Whether two lists name the same owners in the same order (apiVersion, kind, name, uid and controller).</summary>
    public static bool Same(IList<V1OwnerReference> a, IList<V1OwnerReference> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Kind == p.Second.Kind && p.First.Name == p.Second.Name && p.First.Uid == p.Second.Uid
            && p.First.ApiVersion == p.Second.ApiVersion && p.First.Controller == p.Second.Controller);
}
