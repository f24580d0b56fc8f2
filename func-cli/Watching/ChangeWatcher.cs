using System.Threading.Channels;

namespace Serverless.Cli.Watching;

/// <summary>
/// Watches a directory tree and runs an action after each settled burst of relevant changes
/// (<see cref="Debouncer"/>). The action runs on the loop, one at a time: changes made while it runs
/// start a new burst, so the latest save is always the one deployed last.
/// </summary>
internal sealed class ChangeWatcher : IDisposable
{
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly Debouncer _debouncer;
    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly FileSystemWatcher _watcher;

    public ChangeWatcher(string directory, TimeProvider time, Debouncer? debouncer = null)
    {
        _directory = directory;
        _time = time;
        _debouncer = debouncer ?? new Debouncer();
        _watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        FileSystemEventHandler onChange = (_, e) => Offer(e.FullPath);
        _watcher.Changed += onChange;
        _watcher.Created += onChange;
        _watcher.Deleted += onChange;
        _watcher.Renamed += (_, e) =>
        {
            Offer(e.OldFullPath);
            Offer(e.FullPath);
        };

        // An overflow lost events: treat it as a change, since something did change.
        _watcher.Error += (_, _) => _changes.Writer.TryWrite("(overflow)");

        // Watching starts now, not in RunAsync: a save made while the first build runs must not be lost.
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Calls <paramref name="onSettled"/> after each burst until cancelled; returns quietly on cancellation.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> onSettled, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                if (!_debouncer.Pending)
                {
                    await _changes.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
                }

                Drain();
                if (_debouncer.Due(_time.GetUtcNow()) is not { } wait)
                {
                    continue;
                }

                if (wait > TimeSpan.Zero)
                {
                    // Wake at the deadline, or earlier when another change arrives and moves it.
                    using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var delay = Task.Delay(wait, _time, timer.Token);
                    var next = _changes.Reader.WaitToReadAsync(timer.Token).AsTask();
                    await Task.WhenAny(delay, next).ConfigureAwait(false);
                    await timer.CancelAsync().ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    continue;
                }

                _debouncer.Reset();
                await onSettled(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ends the watch.
        }
    }

    public void Dispose() => _watcher.Dispose();

    private void Offer(string fullPath)
    {
        if (WatchPaths.IsRelevant(Path.GetRelativePath(_directory, fullPath)))
        {
            _changes.Writer.TryWrite(fullPath);
        }
    }

    private void Drain()
    {
        while (_changes.Reader.TryRead(out _))
        {
            _debouncer.Changed(_time.GetUtcNow());
        }
    }
}
