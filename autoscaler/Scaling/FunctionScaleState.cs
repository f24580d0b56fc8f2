namespace Serverless.Autoscaler.Scaling;

/// <summary>
/// One function's autoscaling memory: its metric window and the KPA state between ticks.
/// <see cref="Gate"/> serialises every scale action on the function (tick, activation, bounds),
/// so a scale to zero and a wake-up can never interleave.
/// </summary>
internal sealed class FunctionScaleState
{
    public FunctionScaleState(MetricWindow window, DateTimeOffset watchedSince)
    {
        Window = window;
        WatchedSince = watchedSince;
    }

    /// <summary>When the scaler began watching the function (see <see cref="KpaInputs.WatchedSince"/>).</summary>
    public DateTimeOffset WatchedSince { get; }

    /// <summary>Guarded by locking the state object itself (samples arrive on the reporter's thread).</summary>
    public MetricWindow Window { get; }

    public KpaState? Kpa { get; set; }

    public SemaphoreSlim Gate { get; } = new(1, 1);
}
