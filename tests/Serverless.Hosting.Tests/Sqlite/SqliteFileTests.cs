using Microsoft.Data.Sqlite;
using Serverless.Hosting.Sqlite;
using Serverless.TestSupport;
using static Serverless.Hosting.Tests.Sqlite.SqliteTestFiles;

namespace Serverless.Hosting.Tests.Sqlite;

public sealed class SqliteFileTests : IDisposable
{
    private readonly TempDirectory _directory = new("serverless-sqlite");

    private string DbPath => Path.Combine(_directory.Path, "state", "test.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Open_NewFile_UsesWalJournal()
    {
        using var file = SqliteFile.Open(DbPath, Items, TimeProvider.System);

        Assert.Equal("wal", Query(DbPath, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Open_Writer_SynchronousFull()
    {
        using var file = SqliteFile.Open(DbPath, Items, TimeProvider.System);

        var synchronous = await file.WriteAsync(connection => Scalar(connection, "PRAGMA synchronous;"), CancellationToken.None);

        Assert.Equal(2L, synchronous); // 2 = FULL: the WAL is synced on every commit.
    }

    [Fact]
    public void Open_EveryConnection_HasTheBusyTimeout()
    {
        using var file = SqliteFile.Open(DbPath, Items, TimeProvider.System);

        var timeout = file.Read((connection, _) => Scalar(connection, "PRAGMA busy_timeout;"));

        Assert.Equal((long)SqliteFile.BusyTimeoutMilliseconds, timeout);
    }

    [Fact]
    public void Open_MissingDirectory_CreatesItAndReportsTheAbsolutePath()
    {
        using var file = SqliteFile.Open(DbPath, Items, TimeProvider.System);

        Assert.True(File.Exists(DbPath));
        Assert.Equal(Path.GetFullPath(DbPath), file.Path);
        Assert.Equal(new SchemaMigration(0, 1), file.Schema);
    }

    [Fact]
    public void Open_WithCreateMode_CreatesTheFileWithIt()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No Unix permissions to check.
        }

        using var file = SqliteFile.Open(DbPath, Items, TimeProvider.System, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DbPath));
    }

    [Fact]
    public void Open_WithModeOverALooserDatabase_TightensItAndItsWalAndShm()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No Unix permissions to check.
        }

        const UnixFileMode Loose = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var abandoned = SqliteFile.Open(DbPath, Items, TimeProvider.System); // left open: its -wal and -shm stay
        foreach (var file in new[] { DbPath, DbPath + "-wal", DbPath + "-shm" })
        {
            File.SetUnixFileMode(file, Loose);
        }

        using var reopened = SqliteFile.Open(DbPath, Items, TimeProvider.System, Private);
        abandoned.Dispose();

        foreach (var file in new[] { DbPath, DbPath + "-wal", DbPath + "-shm" })
        {
            Assert.True(File.GetUnixFileMode(file) == Private, $"{file}: {File.GetUnixFileMode(file)}");
        }
    }

    [Fact]
    public void Open_FileIsNotADatabase_ThrowsSqliteException()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        File.WriteAllText(DbPath, new string('x', 8192));

        Assert.Throws<SqliteException>(() => SqliteFile.Open(DbPath, Items, TimeProvider.System));
    }

    [Fact]
    public async Task Open_WhileWriterNeverClosed_SeesEveryReturnedWrite()
    {
        // A file that is never disposed stands in for a killed process: no checkpoint, no clean close;
        // what a write returned must already be in the file (the WAL) for others.
        var abandoned = SqliteFile.Open(DbPath, Items, TimeProvider.System);
        try
        {
            await abandoned.WriteAsync(connection => Commit(connection, "a"), CancellationToken.None);
            abandoned.Write(connection => Commit(connection, "b"));

            Assert.Equal(2L, Query(DbPath, "SELECT COUNT(*) FROM items;"));
        }
        finally
        {
            abandoned.Dispose();
        }
    }

    [Fact]
    public async Task Read_WhileAWriteIsUncommitted_SeesTheLastCommittedSnapshot()
    {
        using var file = SqliteFile.Open(DbPath, Items, TimeProvider.System);
        await file.WriteAsync(connection => Commit(connection, "committed"), CancellationToken.None);
        using var inWrite = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);

        var write = Task.Run(() => file.WriteAsync(
            connection =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                Insert(connection, "pending");
                inWrite.Release();
                release.Wait();
                transaction.Commit();
                return true;
            },
            CancellationToken.None));
        await inWrite.WaitAsync();

        var during = file.Read((connection, _) => Count(connection));
        release.Release();
        await write;

        Assert.Equal(1, during);
        Assert.Equal(2, file.Read((connection, _) => Count(connection)));
    }

    [Fact]
    public async Task WriteAsync_Concurrent_RunOneAtATime()
    {
        using var file = SqliteFile.Open(DbPath, Items, TimeProvider.System);
        var running = 0;
        var overlapped = false;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => file.WriteAsync(
            connection =>
            {
                overlapped |= Interlocked.Increment(ref running) > 1;
                Thread.Sleep(1);
                Commit(connection, $"item {i}");
                Interlocked.Decrement(ref running);
                return true;
            },
            CancellationToken.None))));

        Assert.False(overlapped);
        Assert.Equal(20L, Query(DbPath, "SELECT COUNT(*) FROM items;"));
    }

    [Fact]
    public async Task WriteAsync_CancelledWhileWaitingForTheWriter_Throws()
    {
        using var file = SqliteFile.Open(DbPath, Items, TimeProvider.System);
        using var inWrite = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var first = Task.Run(() => file.WriteAsync(
            _ =>
            {
                inWrite.Release();
                release.Wait();
                return true;
            },
            CancellationToken.None));
        await inWrite.WaitAsync();
        using var cancel = new CancellationTokenSource();

        var waiting = file.WriteAsync(_ => true, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        release.Release();
        Assert.True(await first);
    }

    [Fact]
    public async Task Operations_AfterDispose_ThrowObjectDisposed()
    {
        var file = SqliteFile.Open(DbPath, Items, TimeProvider.System);
        file.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => file.WriteAsync(_ => true, CancellationToken.None));
        Assert.Throws<ObjectDisposedException>(() => file.Write(_ => true));
        Assert.Throws<ObjectDisposedException>(() => file.Read((_, _) => true));
    }

    private static bool Commit(SqliteConnection connection, string name)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Insert(connection, name);
        transaction.Commit();
        return true;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
