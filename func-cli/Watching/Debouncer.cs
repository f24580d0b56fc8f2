namespace Serverless.Cli.Watching;

/// <summary>
/// Decides when a burst of file changes has settled: due once no change arrived for <see cref="Quiet"/>,
/// or <see cref="MaxDelay"/> after the burst's first change even if saves keep coming (an editor writing
/// a swap file every few milliseconds must not postpone the redeploy forever). Pure; not thread-safe.
/// </summary>
/// <remarks>
/// With the defaults (300 ms quiet, 2 s cap) a single save redeploys 300 ms later, and a save every
/// 100 ms redeploys every 2 s: both inside the "within a second or two" the loop promises.
/// </remarks>
internal sealed class Debouncer
{
    public static readonly TimeSpan DefaultQuiet = TimeSpan.FromMilliseconds(300);
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(2);

    private DateTimeOffset? _first;
    private DateTimeOffset _last;

    public Debouncer(TimeSpan? quiet = null, TimeSpan? maxDelay = null)
    {
        Quiet = quiet ?? DefaultQuiet;
        MaxDelay = maxDelay ?? DefaultMaxDelay;
    }

    public TimeSpan Quiet { get; }

    public TimeSpan MaxDelay { get; }

    public bool Pending => _first is not null;

    public void Changed(DateTimeOffset now)
    {
        _first ??= now;
        _last = now;
    }

    /// <summary>
    /// Null when nothing is pending; <see cref="TimeSpan.Zero"/> when the burst is due (the caller acts
    /// and calls <see cref="Reset"/>); otherwise how long to wait before asking again.
    /// </summary>
    public TimeSpan? Due(DateTimeOffset now)
    {
        if (_first is not { } start)
        {
            return null;
        }

        var wait = Min(_last + Quiet, start + MaxDelay) - now;
        return wait <= TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    public void Reset() => _first = null;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;
}
