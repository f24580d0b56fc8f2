namespace Serverless.Autoscaler.Scaling;

/// <summary>
/// What one decision hands to the next for one function: the panic episode and how long the load has been zero.
/// The shell keeps it per function and passes <see cref="ScaleDecision.State"/> back in on the next tick.
/// </summary>
/// <param name="PanicStartedAt">When the current panic began; null when not panicking.</param>
/// <param name="PanicLastTriggeredAt">The last tick the panic condition held; panic ends a full stable window after it.</param>
/// <param name="MaxPanicPods">The highest count asked for during this panic: the floor while it lasts.</param>
/// <param name="ZeroSince">When the stable average was first seen at 0 in the current idle stretch; null while there is load.</param>
/// <param name="Delay">The counts of the last scale-down-delay (null: none recorded, or no delay).</param>
internal readonly record struct KpaState(
    DateTimeOffset? PanicStartedAt,
    DateTimeOffset? PanicLastTriggeredAt,
    int MaxPanicPods,
    DateTimeOffset? ZeroSince,
    ScaleDownDelayWindow? Delay = null)
{
    public static KpaState Initial => default;

    public bool InPanic => PanicStartedAt is not null;

    /// <summary>
    /// The state for a scaler (re)started while <paramref name="readyCount"/> instances serve. As Knative does, more
    /// than one starts in panic: the windows are empty after a restart and would otherwise read as idle and halve the
    /// count before a minute of data has come in.
    /// </summary>
    public static KpaState ForStart(DateTimeOffset now, int readyCount) =>
        readyCount > 1 ? new KpaState(now, now, readyCount, null) : Initial;
}
