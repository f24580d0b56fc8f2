namespace Serverless.Autoscaler.Scaling;

/// <summary>The rule that settled a <see cref="ScaleDecision"/>; the values double as a log field.</summary>
internal enum ScaleReason
{
    /// <summary>The stable average, through hysteresis and the rate limits.</summary>
    Stable,

    /// <summary>Panic mode: the larger of the panic and stable counts, never below the panic's highest.</summary>
    Panic,

    /// <summary>Panic just ended: stepping down from the panic's highest count by at most the scale-down rate.</summary>
    PanicExit,

    /// <summary>No sample yet: the current count is kept.</summary>
    NoData,

    /// <summary>Idle, but the grace period has not run out or requests are still active: one instance stays.</summary>
    HoldingLastInstance,

    /// <summary>Idle for the whole grace period with no active request.</summary>
    ScaledToZero,

    /// <summary>The activators' live count of active requests needs more instances (at 90% of target): raised to fit it.</summary>
    LiveLoad,

    /// <summary>A higher count decided within the scale-down delay is kept.</summary>
    ScaleDownDelay,

    /// <summary>minScale or maxScale overrode the computed count.</summary>
    Bounds,
}
