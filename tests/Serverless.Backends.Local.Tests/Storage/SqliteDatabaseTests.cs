using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Local.Storage;
using Serverless.Core.Serialization;
using Serverless.TestSupport;
using static Serverless.Hosting.Tests.Stores.StorageTestObjects;

namespace Serverless.Backends.Local.Tests.Storage;

public sealed class SqliteDatabaseTests
{
    [Fact]
    public async Task Reopen_AfterWritesOfEveryKind_ReadsBackEverythingAndContinuesVersions()
    {
        using var harness = new StoreHarness();
        var stores = harness.Stores;
        await stores.Functions.CreateAsync(Function("default", "hello", WithEnv("A", "1"), WithLabel("app", "demo")));
        await stores.Functions.ReplaceStatusAsync(Function("default", "hello", WithReadyReplicas(2)));
        await stores.Functions.CreateAsync(Function("other", "gone"));
        await stores.Functions.DeleteAsync("other", "gone");
        await stores.Brokers.CreateAsync(Broker("default", "default"));
        await stores.Triggers.CreateAsync(Trigger("default", "on-order"));
        var functions = await stores.Functions.ListAsync();
        var brokers = await stores.Brokers.ListAsync();
        var triggers = await stores.Triggers.ListAsync();

        harness.Reopen();

        Assert.Equal(ResourceJson.Serialize(functions), ResourceJson.Serialize(await harness.Stores.Functions.ListAsync()));
        Assert.Equal(ResourceJson.Serialize(brokers), ResourceJson.Serialize(await harness.Stores.Brokers.ListAsync()));
        Assert.Equal(ResourceJson.Serialize(triggers), ResourceJson.Serialize(await harness.Stores.Triggers.ListAsync()));
        Assert.Equal("6", functions.ResourceVersion);
        var next = await harness.Stores.Brokers.CreateAsync(Broker("default", "second"));
        Assert.Equal("7", next.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Open_WhileWriterNeverClosed_SeesEveryReturnedWrite()
    {
        // A writer that is never disposed stands in for a killed process: no checkpoint, no
        // clean close; what a write returned must already be in the file (the WAL) for others.
        using var directory = new TempDirectory("serverless-store");
        var path = Path.Combine(directory.Path, "state.db");
        var abandoned = SqliteDatabase.Open(path, TimeProvider.System, NullLogger.Instance);
        try
        {
            var writer = new SqliteResourceStore<Core.Api.Function>(abandoned, "Function", TimeProvider.System, NullLogger.Instance);
            await writer.CreateAsync(Function("default", "hello"));
            await writer.ReplaceStatusAsync(Function("default", "hello", WithReadyReplicas(1)));

            using var other = SqliteDatabase.Open(path, TimeProvider.System, NullLogger.Instance);
            using var reader = new SqliteResourceStore<Core.Api.Function>(other, "Function", TimeProvider.System, NullLogger.Instance);
            var read = await reader.GetAsync("default", "hello");

            Assert.Equal(1, read!.Status!.ReadyReplicas);
            Assert.Equal("2", read.Metadata.ResourceVersion);
            Assert.Equal(2, other.CurrentVersion);
        }
        finally
        {
            abandoned.Dispose();
        }
    }

    [Fact]
    public void Open_FileIsNotADatabase_FailsNamingTheFile()
    {
        using var directory = new TempDirectory("serverless-store");
        var path = Path.Combine(directory.Path, "state.db");
        File.WriteAllText(path, new string('x', 8192));

        var error = Assert.Throws<LocalStoreException>(() => LocalStores.Open(path, TimeProvider.System, NullLoggerFactory.Instance));

        Assert.Equal(path, error.DatabasePath);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    [Fact]
    public void Open_SchemaFromNewerVersion_FailsNamingTheFile()
    {
        using var directory = new TempDirectory("serverless-store");
        var path = Path.Combine(directory.Path, "state.db");
        LocalStores.Open(path, TimeProvider.System, NullLoggerFactory.Instance).Dispose();
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES (99, 'later');";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<LocalStoreException>(() => LocalStores.Open(path, TimeProvider.System, NullLoggerFactory.Instance));

        Assert.Equal(path, error.DatabasePath);
        Assert.Contains("99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegisterKind_SecondStoreForSameKind_Throws()
    {
        using var directory = new TempDirectory("serverless-store");
        using var database = SqliteDatabase.Open(Path.Combine(directory.Path, "state.db"), TimeProvider.System, NullLogger.Instance);
        using var first = new SqliteResourceStore<Core.Api.Function>(database, "Function", TimeProvider.System, NullLogger.Instance);

        Assert.Throws<InvalidOperationException>(
            () => new SqliteResourceStore<Core.Api.Function>(database, "Function", TimeProvider.System, NullLogger.Instance));
    }

    [Fact]
    public async Task Operations_AfterDispose_ThrowObjectDisposed()
    {
        using var harness = new StoreHarness();
        var functions = harness.Stores.Functions;
        harness.Stores.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => functions.CreateAsync(Function("default", "hello")));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => functions.GetAsync("default", "hello"));
    }
}
