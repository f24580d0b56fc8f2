namespace Serverless.Autoscaler.Scaling;

/// <summary>A KPA decision and the numbers behind it, for the shell to actuate, log and export.</summary>
/// <param name="DesiredScale">The count to ask the backend for, within [minScale, maxScale].</param>
/// <param name="InPanic">Whether the decision was taken in panic mode.</param>
/// <param name="ObservedStable">The stable-window average the decision used.</param>
/// <param name="ObservedPanic">The panic-window average the decision used.</param>
/// <param name="DesiredStablePods">ceil(stable ÷ (target × utilization)), before hysteresis, rate limits and bounds.</param>
/// <param name="DesiredPanicPods">ceil(panic ÷ (target × utilization)), before rate limits and bounds.</param>
/// <param name="State">To pass back in as <see cref="KpaInputs.State"/> next time.</param>
/// <param name="Reason">Which rule settled the count, for the log line.</param>
internal readonly record struct ScaleDecision(
    int DesiredScale,
    bool InPanic,
    double ObservedStable,
    double ObservedPanic,
    int DesiredStablePods,
    int DesiredPanicPods,
    KpaState State,
    ScaleReason Reason);
