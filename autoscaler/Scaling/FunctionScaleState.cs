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

    /// <summary>The HPA class's decision state (local mode); guarded by <see cref="Gate"/>.</summary>
    public Hpa.HpaState Hpa { get; set; } = Scaling.Hpa.HpaState.Initial;

    /// <summary>When the HPA class was last decided; null before the first decision.</summary>
    public DateTimeOffset? HpaDecidedAt { get; set; }

    /// <summary>Each instance's CPU seconds at the last HPA decision, to turn into a rate; guarded by <see cref="Gate"/>.</summary>
    public Dictionary<string, double> CpuSeconds { get; } = new(StringComparer.Ordinal);

    public SemaphoreSlim Gate { get; } = new(1, 1);
}
