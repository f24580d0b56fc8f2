using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>
/// The controller ownerReference to a Revision, which a split's other revision's Deployment and Service carry: the
/// garbage collector removes them when the Revision is collected, as Knative's revision-owned Deployments go.
/// </summary>
internal static class RevisionOwner
{
    public static V1OwnerReference Reference(Revision revision) => new()
    {
        ApiVersion = ApiGroup.ApiVersion,
        Kind = Revision.KindName,
        Name = revision.Metadata.Name,
        Uid = revision.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>Whether <paramref name="metadata"/> carries the controller ownerReference to exactly this Revision (its uid).</summary>
    public static bool Controls(Revision revision, V1ObjectMeta? metadata) =>
        metadata?.OwnerReferences?.Any(o => o.Controller == true && o.Uid == revision.Metadata.Uid && o.Kind == Revision.KindName) == true;

    /// <summary>Whether a Revision named <paramref name="name"/> controls <paramref name="metadata"/> (any uid).</summary>
    public static bool ControlledByName(string name, V1ObjectMeta? metadata) =>
        metadata?.OwnerReferences?.Any(o => o.Controller == true && o.Kind == Revision.KindName && o.ApiVersion == ApiGroup.ApiVersion && o.Name == name) == true;
}
