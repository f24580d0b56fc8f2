using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Serverless.Hosting.Loops;

namespace Serverless.Platform.Composition;

/// <summary>
/// The one lifecycle of every platform process (the local platform and each Kubernetes role): start the servers,
/// start every loop, run until SIGTERM/SIGINT or a loop that ends on its own, then stop in one order.
/// </summary>
/// <remarks>
/// Stop order: the front servers first (function traffic stops being accepted, in-flight requests finish), then the
/// loops (controllers, scalers, informers, the leader election, which releases its lease), then
/// <paramref name="stopping"/> work such as draining instances, and last the back servers (admin API, probes and
/// metrics), so health and status stay answerable while the rest drains. A loop that failed makes the exit code 1.
/// </remarks>
internal static partial class ProcessHost
{
    /// <summary>How long the servers and loops get to stop.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <param name="ready">Runs once everything started (write platform.json, log the addresses).</param>
    /// <param name="stopping">Runs after the loops stopped, before the back servers stop.</param>
    public static async Task<int> RunAsync(
        IReadOnlyList<WebApplication> front,
        LoopHost loops,
        IReadOnlyList<WebApplication> back,
        ILogger logger,
        Action? ready = null,
        Func<Task>? stopping = null,
        CancellationToken cancellationToken = default)
    {
        using var signalled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, signalled));
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, signalled));

        foreach (var server in front.Concat(back))
        {
            await server.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }

        loops.Start();
        ready?.Invoke();
        var failed = false;
        var stop = Task.Delay(Timeout.Infinite, signalled.Token);
        if (await Task.WhenAny(stop, loops.Failed).ConfigureAwait(false) == loops.Failed)
        {
            failed = true;
            LogStoppingAfterFailure(logger, await loops.Failed.ConfigureAwait(false));
        }

        using var deadline = new CancellationTokenSource(StopTimeout);
        foreach (var server in front)
        {
            await server.StopAsync(deadline.Token).ConfigureAwait(false);
        }

        await loops.StopAsync(StopTimeout).ConfigureAwait(false);
        if (stopping is not null)
        {
            await stopping().ConfigureAwait(false);
        }

        foreach (var server in back)
        {
            await server.StopAsync(deadline.Token).ConfigureAwait(false);
        }

        return failed ? 1 : 0;
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource signalled)
    {
        // Handled here: the process stops in order rather than at once.
        context.Cancel = true;
        signalled.Cancel();
    }

    [LoggerMessage(EventId = PlatformEventIds.StoppingAfterLoopFailure, Level = LogLevel.Critical, Message = "Stopping: loop {Loop} is not running")]
    private static partial void LogStoppingAfterFailure(ILogger logger, string loop);
}
