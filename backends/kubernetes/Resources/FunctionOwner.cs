using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>
/// The controller ownerReference to a Function: deleting the Function lets the garbage collector remove
/// its Deployment and Service, and a change to them can be traced back to the Function to reconcile.
/// </summary>
internal static class FunctionOwner
{
    public static V1OwnerReference Reference(Function function) => new()
    {
        ApiVersion = ApiGroup.ApiVersion,
        Kind = Function.KindName,
        Name = function.Metadata.Name,
        Uid = function.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>The name of the Function that controls <paramref name="metadata"/>, from its ownerReference or, failing that, its function label.</summary>
    public static string? NameOf(V1ObjectMeta? metadata)
    {
        var owner = metadata?.OwnerReferences?.FirstOrDefault(o =>
            o.Controller == true && o.Kind == Function.KindName && o.ApiVersion == ApiGroup.ApiVersion);
        if (owner?.Name is { Length: > 0 } name)
        {
            return name;
        }

        return metadata?.Labels is { } labels && labels.TryGetValue(WorkloadLabels.Function, out var label) ? label : null;
    }
}
