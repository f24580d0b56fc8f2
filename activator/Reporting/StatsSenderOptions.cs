namespace Serverless.Activator.Reporting;

/// <summary>Settings of <see cref="HttpStatsSender"/>, the activator's statistics link to a remote autoscaler.</summary>
public sealed class StatsSenderOptions
{
    /// <summary>This activator's name in its reports (the pod name on Kubernetes); the autoscaler sums reports across names.</summary>
    public required string ActivatorId { get; init; }

    /// <summary>
    /// How far back the samples replayed to a restarted autoscaler reach: its stable window, so it decides from a
    /// full window at once. Default 60 s, Knative's stable window.
    /// </summary>
    public TimeSpan ReplayWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Most samples kept, both waiting to be sent and kept for replay; past it the oldest go (counted in
    /// <c>serverless_activator_stats_dropped_total</c>). Default 60 000: 60 s of 1000 busy functions.
    /// </summary>
    public int MaxBufferedSamples { get; init; } = 60_000;

    /// <summary>Samples per POST, so a replay of a large window goes in pieces the autoscaler accepts. Default 1000.</summary>
    public int MaxSamplesPerPost { get; init; } = 1000;

    /// <summary>
    /// Longest samples wait for a <see cref="HttpStatsSender.Flush"/> before they are sent anyway (a backstop for a
    /// sink decorator that does not pass Flush on). Default 2 s, two reporting intervals.
    /// </summary>
    public TimeSpan MaxSendDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest one POST may take before it counts as failed. Default 2 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
