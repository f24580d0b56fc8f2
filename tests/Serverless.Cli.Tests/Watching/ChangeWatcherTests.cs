using Serverless.Cli.Watching;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Watching;

/// <summary>The watcher over a real directory: a save (made before the loop even runs) reaches the action once settled.</summary>
public sealed class ChangeWatcherTests : IDisposable
{
    private readonly TempDirectory _dir = new("change-watcher");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RunAsync_SaveBeforeAndDuringTheLoop_ActsOncePerSettledBurst()
    {
        using var watcher = new ChangeWatcher(_dir.Path, TimeProvider.System, new Debouncer(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1)));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var settled = new SemaphoreSlim(0);

        // Written before RunAsync: the watcher listens from construction, so this save is not lost.
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "index.js"), "v1");
        var loop = watcher.RunAsync(_ => { settled.Release(); return Task.CompletedTask; }, stop.Token);

        Assert.True(await settled.WaitAsync(TimeSpan.FromSeconds(10)), "the first save was not acted on");
        await File.WriteAllTextAsync(Path.Combine(_dir.Path, "index.js"), "v2");
        Assert.True(await settled.WaitAsync(TimeSpan.FromSeconds(10)), "the second save was not acted on");

        await stop.CancelAsync();
        await loop; // cancellation ends the loop quietly
    }
}
