using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>
/// The controller ownerReference to a Function: deleting the Function lets the garbage collector remove
/// its Deployment and Service, and a change to them can be traced back to the Function to reconcile.
/// </summary>
internal static class FunctionOwner
{
    public static V1OwnerReference Reference(Function function) => ControllerOwner.Reference(function, Function.KindName);

    /// <summary>Whether <paramref name="metadata"/> carries the controller ownerReference to exactly this Function (its uid).</summary>
    public static bool Controls(Function function, V1ObjectMeta? metadata) => ControllerOwner.Controls(function, Function.KindName, metadata);

    /// <summary>
    /// Whether a Function named <paramref name="name"/> controls <paramref name="metadata"/> (any uid): what may be deleted
    /// when the Function is gone. A label alone never makes an object ours.
    /// </summary>
    public static bool ControlledByName(string name, V1ObjectMeta? metadata) => ControllerOwner.ControlledByName(Function.KindName, name, metadata);

    /// <summary>The controller ownerReference of <paramref name="metadata"/>, if any.</summary>
    public static V1OwnerReference? Controller(V1ObjectMeta? metadata) => metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);

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
