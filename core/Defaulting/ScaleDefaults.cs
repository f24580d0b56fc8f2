namespace Serverless.Core.Defaulting;

/// <summary>
/// The autoscaler-wide values a Function's scale settings fall back to when it leaves them unset. Kept out of the
/// stored Function so that changing the platform configuration changes every Function that did not choose.
/// </summary>
public sealed record ScaleDefaults
{
    /// <summary>Concurrent requests (or requests/s with metric rps) per instance to aim at. Default 100, as Knative's <c>container-concurrency-target-default</c>.</summary>
    public int Target { get; init; } = 100;

    /// <summary>Fraction of the target to scale at, in (0, 1]. Default 0.7, as Knative's <c>container-concurrency-target-percentage</c> of 70.</summary>
    public double TargetUtilization { get; init; } = 0.7;

    /// <summary>How long the last instance stays after traffic stops. Default 30 s, as Knative's <c>scale-to-zero-grace-period</c>.</summary>
    public TimeSpan ScaleToZeroGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Knative's <c>max-scale-limit</c>: no Function runs more instances than this; an unbounded maxScale (0) means
    /// this. Admission refuses counts above it; the clamp here covers Functions stored before it was lowered.
    /// Default 0, no limit (the local platform configures one: see its README).
    /// </summary>
    public int MaxScaleLimit { get; init; }

    /// <summary>Knative's <c>scale-down-delay</c>: how long every decision must have wanted a lower count before it is taken. Default 0.</summary>
    public TimeSpan ScaleDownDelay { get; init; }

    /// <summary>Knative's <c>target-burst-capacity</c> (see <see cref="Api.ScaleSpec.TargetBurstCapacity"/>). Default 200; -1 unlimited.</summary>
    public double TargetBurstCapacity { get; init; } = 200;
}
