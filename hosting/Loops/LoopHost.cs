using Microsoft.Extensions.Logging;

namespace Serverless.Hosting.Loops;

/// <summary>
/// Runs every loop of a process (informers, controllers, scalers, reporters, dispatchers: methods that run until
/// cancelled) for the life of the process, the one lifecycle mechanism of every composition root.
/// </summary>
/// <remarks>
/// A loop that returns or throws before <see cref="StopAsync"/> is a bug or a lost dependency the loop could not
/// survive: it is logged and completes <see cref="Failed"/>, and the composition root then ends the process with
/// a non-zero exit code, so a supervisor (Kubernetes, systemd, <c>func up</c>'s user) restarts it rather than a
/// process that looks healthy and does nothing. Thread-safe.
/// </remarks>
public sealed partial class LoopHost : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly List<(string Name, Func<CancellationToken, Task> Run)> _loops = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<string> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Name, Task Task)> _running = [];
    private int _state; // 0 configuring, 1 started, 2 stopped

    public LoopHost(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <summary>Completes, with the loop's name, when a loop ends or fails while the host is running.</summary>
    public Task<string> Failed => _failed.Task;

    /// <summary>Adds a loop; before <see cref="Start"/> only.</summary>
    public void Add(string name, Func<CancellationToken, Task> loop)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(loop);
        lock (_loops)
        {
            if (_state != 0)
            {
                throw new InvalidOperationException($"loop {name} added after the host started");
            }

            _loops.Add((name, loop));
        }
    }

    /// <summary>Starts every loop, in the order they were added.</summary>
    public void Start()
    {
        lock (_loops)
        {
            if (_state != 0)
            {
                throw new InvalidOperationException("the loop host was already started");
            }

            _state = 1;
            foreach (var (name, loop) in _loops)
            {
                _running.Add((name, RunAsync(name, loop)));
            }
        }

        LogStarted(_logger, _loops.Count);
    }

    /// <summary>Cancels every loop and waits for them up to <paramref name="timeout"/>; what is still running is named in the log.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        List<(string Name, Task Task)> running;
        lock (_loops)
        {
            if (_state != 1)
            {
                _state = 2;
                return;
            }

            _state = 2;
            running = [.. _running];
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        var all = Task.WhenAll(running.Select(r => r.Task));
        if (await Task.WhenAny(all, Task.Delay(timeout)).ConfigureAwait(false) != all)
        {
            foreach (var (name, _) in running.Where(r => !r.Task.IsCompleted))
            {
                LogStopTimedOut(_logger, name, timeout.TotalSeconds);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(string name, Func<CancellationToken, Task> loop)
    {
        var token = _stopping.Token;
        try
        {
            // Off the caller's thread: a loop that does synchronous work before its first await must not hold up Start.
            await Task.Run(() => loop(token), CancellationToken.None).ConfigureAwait(false);
            if (!token.IsCancellationRequested)
            {
                LogEnded(_logger, name);
                _failed.TrySetResult(name);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            if (token.IsCancellationRequested)
            {
                LogFailedWhileStopping(_logger, name, e);
            }
            else
            {
                LogFailed(_logger, name, e);
                _failed.TrySetResult(name);
            }
        }
    }

    [LoggerMessage(EventId = HostingEventIds.LoopsStarted, Level = LogLevel.Debug, Message = "Started {Count} loops")]
    private static partial void LogStarted(ILogger logger, int count);

    [LoggerMessage(EventId = HostingEventIds.LoopEnded, Level = LogLevel.Critical, Message = "Loop {Loop} ended while the process was running; stopping the process so that it is restarted")]
    private static partial void LogEnded(ILogger logger, string loop);

    [LoggerMessage(EventId = HostingEventIds.LoopFailed, Level = LogLevel.Critical, Message = "Loop {Loop} failed; stopping the process so that it is restarted")]
    private static partial void LogFailed(ILogger logger, string loop, Exception exception);

    [LoggerMessage(EventId = HostingEventIds.LoopFailedWhileStopping, Level = LogLevel.Warning, Message = "Loop {Loop} failed while stopping")]
    private static partial void LogFailedWhileStopping(ILogger logger, string loop, Exception exception);

    [LoggerMessage(EventId = HostingEventIds.LoopStopTimedOut, Level = LogLevel.Warning, Message = "Loop {Loop} was still running {Seconds} s after it was asked to stop")]
    private static partial void LogStopTimedOut(ILogger logger, string loop, double seconds);
}
