using Serverless.Hosting.Sqlite;
using Serverless.TestSupport;
using static Serverless.Hosting.Tests.Sqlite.SqliteTestFiles;

namespace Serverless.Hosting.Tests.Sqlite;

public sealed class SqliteGroupCommitTests : IDisposable
{
    private readonly TempDirectory _directory = new("serverless-sqlite");
    private readonly SqliteFile _file;

    public SqliteGroupCommitTests()
    {
        _file = SqliteFile.Open(Path.Combine(_directory.Path, "test.db"), Items, TimeProvider.System);
    }

    public void Dispose()
    {
        _file.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task WriteAsync_Concurrent_SharesCommits()
    {
        var commits = 0;
        var writes = 0;
        using var group = new SqliteGroupCommit(_file, "test-writer", n =>
        {
            Interlocked.Increment(ref commits);
            Interlocked.Add(ref writes, n);
        });

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => group.WriteAsync(c => Insert(c, $"item {i}"), CancellationToken.None))));

        Assert.Equal(200, writes);
        Assert.True(commits < 200, $"expected fewer commits than writes, got {commits}");
        Assert.Equal(200, _file.Read((c, _) => Count(c)));
    }

    [Fact]
    public async Task WriteAsync_MaxBatchOne_CommitsEachWriteAlone()
    {
        var sizes = new System.Collections.Concurrent.ConcurrentBag<int>();
        using var group = new SqliteGroupCommit(_file, "test-writer", sizes.Add, maxBatch: 1);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => group.WriteAsync(c => Insert(c, $"item {i}"), CancellationToken.None)));

        Assert.Equal(20, sizes.Count);
        Assert.All(sizes, size => Assert.Equal(1, size));
    }

    [Fact]
    public async Task WriteAsync_OneFailing_FailsAloneAndTheOthersCommit()
    {
        using var group = new SqliteGroupCommit(_file, "test-writer");
        using var gate = new SemaphoreSlim(0);
        // The first write holds the writer thread, so that the next three are queued together in one batch.
        var blocker = group.WriteAsync(_ => gate.Wait(), CancellationToken.None);
        var good = group.WriteAsync(c => Insert(c, "good"), CancellationToken.None);
        var bad = group.WriteAsync(c => Insert(c, null!), CancellationToken.None);
        var alsoGood = group.WriteAsync(c => Insert(c, "also good"), CancellationToken.None);
        gate.Release();

        await blocker;
        await good;
        await alsoGood;
        var error = await Assert.ThrowsAsync<IOException>(() => bad);
        Assert.StartsWith(_file.Path + ": write failed: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _file.Read((c, _) => Count(c)));
    }

    [Fact]
    public async Task WriteAsync_Returned_IsVisibleToOtherConnections()
    {
        using var group = new SqliteGroupCommit(_file, "test-writer");

        await group.WriteAsync(c => Insert(c, "one"), CancellationToken.None);

        Assert.Equal(1L, Query(_file.Path, "SELECT COUNT(*) FROM items;"));
    }

    [Fact]
    public async Task WriteAsync_CancelledBeforeQueuing_NeverRuns()
    {
        using var group = new SqliteGroupCommit(_file, "test-writer");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => group.WriteAsync(c => Insert(c, "no"), new CancellationToken(canceled: true)));
        await group.WriteAsync(c => Insert(c, "yes"), CancellationToken.None);

        Assert.Equal(1, _file.Read((c, _) => Count(c)));
    }

    [Fact]
    public async Task Dispose_FinishesQueuedWritesThenRefusesNewOnes()
    {
        var group = new SqliteGroupCommit(_file, "test-writer");
        var queued = Enumerable.Range(0, 10).Select(i => group.WriteAsync(c => Insert(c, $"item {i}"), CancellationToken.None)).ToArray();

        group.Dispose();

        await Task.WhenAll(queued);
        Assert.Equal(10, _file.Read((c, _) => Count(c)));
        Assert.Throws<ObjectDisposedException>(() => { _ = group.WriteAsync(c => Insert(c, "late"), CancellationToken.None); });
    }
}
