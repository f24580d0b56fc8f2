using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Serverless.Backends.Local.Storage;

/// <summary>
/// The schema of the state database as an ordered list of migrations. A migration is never
/// edited once released: a change is a new entry, so every existing file can be brought forward.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The name of the single global resourceVersion counter in <c>counters</c>.</summary>
    public const string ResourceVersionCounter = "resource_version";

    private static readonly string[] Migrations =
    [
        // 1: resources of every kind in one table, keyed as Kubernetes keys them; the JSON is the
        // whole object as last written (metadata.resourceVersion included), the other columns are
        // copies for inspection with the sqlite3 shell and for future indexes.
        """
        CREATE TABLE resources (
            kind TEXT NOT NULL,
            namespace TEXT NOT NULL,
            name TEXT NOT NULL,
            uid TEXT NOT NULL,
            resource_version INTEGER NOT NULL,
            generation INTEGER NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (kind, namespace, name)
        ) WITHOUT ROWID;
        CREATE TABLE counters (
            name TEXT NOT NULL PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO counters (name, value) VALUES ('resource_version', 0);
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    /// <summary>
    /// Brings the schema to <see cref="LatestVersion"/> inside one immediate transaction, so two
    /// processes opening a fresh file at once cannot both apply a migration.
    /// </summary>
    /// <returns>The version found and the version now.</returns>
    /// <exception cref="InvalidOperationException">The file has a newer schema than this build knows.</exception>
    public static (int From, int To) Migrate(SqliteConnection connection, TimeProvider time)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version INTEGER NOT NULL PRIMARY KEY,
                applied_at TEXT NOT NULL
            );
            """);

        using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        var from = Convert.ToInt32(query.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (from > LatestVersion)
        {
            throw new InvalidOperationException(
                $"schema version {from} is newer than {LatestVersion}, the newest this build knows: the file was written by a newer version");
        }

        for (var version = from + 1; version <= LatestVersion; version++)
        {
            Execute(connection, transaction, Migrations[version - 1]);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES ($version, $appliedAt);";
            record.Parameters.AddWithValue("$version", version);
            record.Parameters.AddWithValue("$appliedAt", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            record.ExecuteNonQuery();
        }

        transaction.Commit();
        return (from, LatestVersion);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
