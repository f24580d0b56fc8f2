namespace Serverless.Backends.Local.Processes;

/// <summary>
/// When a starting instance is probed next. Fast (<see cref="LocalBackendOptions.StartupProbeInterval"/>, 5 ms) only
/// after its runtime said it listens (<see cref="ListeningHint"/>), for a second from then, and while its function has
/// no ready instance: that is a cold start, with requests queued in the activator for it, and every millisecond between
/// ready and the probe that notices is added to them. Otherwise no faster than <see cref="SlowInterval"/>:
/// <list type="bullet">
/// <item>before the runtime says it listens, a probe is refused, and a refused probe costs the platform an exception
/// chain; the line itself brings the next probe forward, so a cold start does not wait for the 50 ms (a runtime that
/// never prints it is noticed within 50 ms). Ten instances starting at once were probed up to 2,000 times a second
/// while the platform shared 2 cores with their starts;</item>
/// <item>a scale-up beside ready instances has no one waiting, and 50 instances starting at once must not cost 10,000
/// probes a second, nor one stuck instance 200 a second until its startup timeout.</item>
/// </list>
/// </summary>
internal static class StartupProbeSchedule
{
    public static readonly TimeSpan FastWindow = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan SlowInterval = TimeSpan.FromMilliseconds(50);

    /// <param name="sinceListening">Time since the runtime's "listening on" line; null before it.</param>
    /// <param name="functionHasReadyInstance">Whether the function has another instance that is ready.</param>
    /// <param name="startupProbeInterval">The configured fast interval.</param>
    public static TimeSpan IntervalAfter(TimeSpan? sinceListening, bool functionHasReadyInstance, TimeSpan startupProbeInterval) =>
        (sinceListening < FastWindow && !functionHasReadyInstance) || startupProbeInterval >= SlowInterval ? startupProbeInterval : SlowInterval;
}
