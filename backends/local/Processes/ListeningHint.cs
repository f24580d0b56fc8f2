namespace Serverless.Backends.Local.Processes;

/// <summary>
/// A starting runtime's "listening on" line (every runtime of ours prints one, prefixed <c>serverless-runtime: </c>,
/// once its handler is loaded and its ports listen): a reason to probe the instance at once instead of at the next
/// tick of its <see cref="StartupProbeSchedule"/>, which a cold request would otherwise wait for (half an interval on
/// average). Only a hint: the <c>/readyz</c> probe still decides readiness. Only the first such line counts, so a
/// function that prints it early, or over and over, costs at most one extra probe.
/// </summary>
internal sealed class ListeningHint
{
    private static ReadOnlySpan<byte> Prefix => "serverless-runtime: "u8;

    private static ReadOnlySpan<byte> Listening => " listening on "u8;

    private readonly TaskCompletionSource _said = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _used;

    /// <summary>Whether the hint came (whether or not it cut a wait short).</summary>
    public bool Came => _said.Task.IsCompleted;

    /// <summary>Whether the hint came and has not yet cut a wait short.</summary>
    public bool Pending => _said.Task.IsCompleted && Volatile.Read(ref _used) == 0;

    public static bool IsListeningLine(ReadOnlySpan<byte> line) => line.StartsWith(Prefix) && line[Prefix.Length..].IndexOf(Listening) >= 0;

    /// <summary>One line of the runtime's stdout.</summary>
    public void Observe(ReadOnlySpan<byte> line)
    {
        if (!_said.Task.IsCompleted && IsListeningLine(line))
        {
            _said.TrySetResult();
        }
    }

    /// <summary>
    /// Waits <paramref name="delay"/> on <paramref name="time"/>, or less: until the hint, the first time it comes (at
    /// once when it came before). Every later wait is the whole delay.
    /// </summary>
    public async Task DelayAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _used) != 0)
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var elapsed = Task.Delay(delay, time, waiting.Token);
        if (await Task.WhenAny(elapsed, _said.Task).ConfigureAwait(false) == _said.Task && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _used, 1);
            await waiting.CancelAsync().ConfigureAwait(false);
            return;
        }

        // The delay ran out (or the wait was cancelled: this throws then).
        await elapsed.ConfigureAwait(false);
    }
}
