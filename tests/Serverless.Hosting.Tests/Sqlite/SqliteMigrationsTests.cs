using Serverless.Hosting.Sqlite;
using Serverless.TestSupport;
using static Serverless.Hosting.Tests.Sqlite.SqliteTestFiles;

namespace Serverless.Hosting.Tests.Sqlite;

public sealed class SqliteMigrationsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new("serverless-sqlite");

    private string DbPath => Path.Combine(_directory.Path, "test.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Open_Twice_AppliesSchemaOnce()
    {
        SqliteFile.Open(DbPath, Items, TimeProvider.System).Dispose();
        using var second = SqliteFile.Open(DbPath, Items, TimeProvider.System);

        Assert.Equal(1L, Query(DbPath, "SELECT COUNT(*) FROM schema_version;"));
        Assert.Equal(new SchemaMigration(1, 1), second.Schema);
        Assert.False(second.Schema.Applied);
    }

    [Fact]
    public void Open_FreshFile_AppliesEveryStepInOrderAndRecordsWhen()
    {
        var steps = new SqliteMigrations(
            "CREATE TABLE a (x INTEGER);",
            "ALTER TABLE a ADD COLUMN y INTEGER;",
            "CREATE INDEX a_y ON a(y);");

        using var file = SqliteFile.Open(DbPath, steps, new ManualTimeProvider(T0));

        Assert.Equal(new SchemaMigration(0, 3), file.Schema);
        Assert.Equal(3L, Query(DbPath, "SELECT COUNT(*) FROM schema_version;"));
        Assert.Equal(T0.ToString("O", System.Globalization.CultureInfo.InvariantCulture), Query(DbPath, "SELECT applied_at FROM schema_version WHERE version = 3;"));
        Assert.Equal(1L, Query(DbPath, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'a_y';"));
    }

    [Fact]
    public void Open_OlderFile_AppliesOnlyTheNewSteps()
    {
        SqliteFile.Open(DbPath, new SqliteMigrations("CREATE TABLE a (x INTEGER);"), TimeProvider.System).Dispose();

        using var file = SqliteFile.Open(DbPath, new SqliteMigrations("CREATE TABLE a (x INTEGER);", "CREATE TABLE b (x INTEGER);"), TimeProvider.System);

        Assert.Equal(new SchemaMigration(1, 2), file.Schema);
        Assert.True(file.Schema.Applied);
    }

    [Fact]
    public void Open_SchemaFromNewerVersion_RefusedNamingBothVersions()
    {
        SqliteFile.Open(DbPath, Items, TimeProvider.System).Dispose();
        Query(DbPath, "INSERT INTO schema_version (version, applied_at) VALUES (99, 'later');");

        var error = Assert.Throws<InvalidOperationException>(() => SqliteFile.Open(DbPath, Items, TimeProvider.System));

        Assert.Equal("schema version 99 is newer than 1, the newest this build knows: the file was written by a newer version", error.Message);
    }

    [Fact]
    public void Open_FailingStep_AppliesNoneOfTheSteps()
    {
        var steps = new SqliteMigrations("CREATE TABLE a (x INTEGER);", "NOT SQL;");

        Assert.ThrowsAny<Exception>(() => SqliteFile.Open(DbPath, steps, TimeProvider.System));

        Assert.Equal(0L, Query(DbPath, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'a';"));
    }

    [Fact]
    public void Constructor_NoSteps_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SqliteMigrations());
    }
}
