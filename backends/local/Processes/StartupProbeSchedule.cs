namespace Serverless.Backends.Local.Processes;

/// <summary>
/// When a starting instance is probed next. Fast (<see cref="LocalBackendOptions.StartupProbeInterval"/>, 5 ms) only
/// while its function has no ready instance and for the instance's first second: that is a cold start, with requests
/// queued in the activator for it, and every millisecond between listening and the probe that notices is added to
/// them. Otherwise no faster than <see cref="SlowInterval"/>: a scale-up beside ready instances has no one waiting,
/// and 50 instances starting at once must not cost 10,000 probes a second, nor one stuck instance 200 a second until
/// its startup timeout.
/// </summary>
internal static class StartupProbeSchedule
{
    public static readonly TimeSpan FastWindow = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan SlowInterval = TimeSpan.FromMilliseconds(50);

    public static TimeSpan IntervalAfter(TimeSpan sinceStart, bool functionHasReadyInstance, TimeSpan startupProbeInterval) =>
        (sinceStart < FastWindow && !functionHasReadyInstance) || startupProbeInterval >= SlowInterval ? startupProbeInterval : SlowInterval;
}
