namespace Serverless.Core.Validation;

/// <summary>
/// The platform's bounds on a Function's instance counts, checked at admission so that a Function over them is
/// refused (422) with the limit named, instead of starting more instances than the machine holds.
/// </summary>
/// <param name="MaxScaleLimit">
/// Knative's <c>max-scale-limit</c> (autoscaler section): minScale, maxScale and initialScale must not exceed it.
/// 0 means no limit. A Function that leaves maxScale unbounded (0) is admitted and scales to at most this.
/// </param>
/// <param name="MaxInstances">
/// The local backend's <c>max-instances</c>, instances of all Functions together: no single count may exceed it.
/// 0 means no limit.
/// </param>
public sealed record ScaleLimits(int MaxScaleLimit, int MaxInstances)
{
    public const string MaxScaleLimitKey = "max-scale-limit";
    public const string MaxInstancesKey = "max-instances";
    public const string AllowZeroInitialScaleKey = "allow-zero-initial-scale";

    /// <summary>Knative's <c>allow-zero-initial-scale</c> (autoscaler section): false refuses <c>initialScale: 0</c>. Default true (see the README).</summary>
    public bool AllowZeroInitialScale { get; init; } = true;

    /// <summary>No bounds: what the Kubernetes mode and the pure spec checks use.</summary>
    public static readonly ScaleLimits None = new(0, 0);
}
