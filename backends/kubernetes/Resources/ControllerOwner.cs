using k8s;
using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>
/// The controller ownerReference to one of our resources (a Function or a Revision) and the checks made against it,
/// in one place: <see cref="FunctionOwner"/> and <see cref="RevisionOwner"/> name the kind.
/// </summary>
internal static class ControllerOwner
{
    public static V1OwnerReference Reference(IKubernetesObject<V1ObjectMeta> owner, string kind) => new()
    {
        ApiVersion = ApiGroup.ApiVersion,
        Kind = kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>Whether <paramref name="metadata"/> carries the controller ownerReference to exactly this owner (its uid).</summary>
    public static bool Controls(IKubernetesObject<V1ObjectMeta> owner, string kind, V1ObjectMeta? metadata) =>
        metadata?.OwnerReferences?.Any(o => o.Controller == true && o.Uid == owner.Metadata.Uid && o.Kind == kind) == true;

    /// <summary>Whether an owner of <paramref name="kind"/> named <paramref name="name"/> controls <paramref name="metadata"/> (any uid).</summary>
    public static bool ControlledByName(string kind, string name, V1ObjectMeta? metadata) =>
        metadata?.OwnerReferences?.Any(o => o.Controller == true && o.Kind == kind && o.ApiVersion == ApiGroup.ApiVersion && o.Name == name) == true;
}
