using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>
/// The controller ownerReference to a Revision, which a split's other revision's Deployment and Service carry: the
/// garbage collector removes them when the Revision is collected, as Knative's revision-owned Deployments go.
/// </summary>
internal static class RevisionOwner
{
    public static V1OwnerReference Reference(Revision revision) => ControllerOwner.Reference(revision, Revision.KindName);

    /// <summary>
    /// An owner, not the controller, of the artifact ConfigMap the Revision runs: a ConfigMap several Revisions run has
    /// one each, and the garbage collector deletes it once all are gone. It blocks no deletion.
    /// </summary>
    public static V1OwnerReference ArtifactReference(Revision revision) => new()
    {
        ApiVersion = Core.Api.ApiGroup.ApiVersion,
        Kind = Revision.KindName,
        Name = revision.Metadata.Name,
        Uid = revision.Metadata.Uid,
    };

    /// <summary>Whether <paramref name="metadata"/> carries the controller ownerReference to exactly this Revision (its uid).</summary>
    public static bool Controls(Revision revision, V1ObjectMeta? metadata) => ControllerOwner.Controls(revision, Revision.KindName, metadata);

    /// <summary>Whether a Revision named <paramref name="name"/> controls <paramref name="metadata"/> (any uid).</summary>
    public static bool ControlledByName(string name, V1ObjectMeta? metadata) => ControllerOwner.ControlledByName(Revision.KindName, name, metadata);
}
