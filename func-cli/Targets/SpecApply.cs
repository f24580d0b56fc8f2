using Serverless.Core.Api;

namespace Serverless.Cli.Targets;

/// <summary>
/// How an apply from <c>func</c> changes an object that exists: its spec becomes the desired one, its metadata
/// (labels, annotations, resourceVersion) stays as stored, and its status is the server's. Both targets merge so.
/// </summary>
internal static class SpecApply
{
    /// <summary>
    /// Writes that one apply may make: the create, then up to five replaces racing other writers (each lost race
    /// re-reads the object and merges again).
    /// </summary>
    public const int MaxAttempts = 6;

    public static Function Function(Function live, Function desired)
    {
        // func.yaml has no traffic: a deploy keeps the split `func traffic` set (a pinned split stays pinned, as
        // `kn service update` keeps it), while the new code becomes a new Revision.
        desired.Spec.Traffic ??= live.Spec.Traffic;
        live.Spec = desired.Spec;
        live.Status = null;
        return live;
    }

    public static Trigger Trigger(Trigger live, Trigger desired)
    {
        live.Spec = desired.Spec;
        live.Status = null;
        return live;
    }
}
