using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Serverless.Hosting.Sqlite;

/// <summary>
/// A database schema as an ordered list of steps; step <c>n</c> brings the file to schema version <c>n</c>, and the
/// versions applied are recorded in a <c>schema_version</c> table. A released step is never edited: a change is a new
/// step, so every existing file can be brought forward.
/// </summary>
public sealed class SqliteMigrations
{
    private readonly string[] _steps;

    /// <param name="steps">The SQL of each step, oldest first; a step may hold several statements.</param>
    public SqliteMigrations(params string[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Length == 0)
        {
            throw new ArgumentException("a schema needs at least one step", nameof(steps));
        }

        _steps = steps;
    }

    /// <summary>The version a file has once every step is applied.</summary>
    public int LatestVersion => _steps.Length;

    /// <summary>
    /// Brings the schema to <see cref="LatestVersion"/> inside one immediate transaction, so two processes opening a
    /// fresh file at once cannot both apply a step.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file has a newer schema than this build knows.</exception>
    public SchemaMigration Migrate(SqliteConnection connection, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(time);
        using var transaction = connection.BeginTransaction(deferred: false);
        SqliteCommands.Execute(connection, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version INTEGER NOT NULL PRIMARY KEY,
                applied_at TEXT NOT NULL
            );
            """, transaction);

        var from = Convert.ToInt32(
            SqliteCommands.ExecuteScalar(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", transaction),
            CultureInfo.InvariantCulture);
        if (from > LatestVersion)
        {
            throw new InvalidOperationException(
                $"schema version {from} is newer than {LatestVersion}, the newest this build knows: the file was written by a newer version");
        }

        for (var version = from + 1; version <= LatestVersion; version++)
        {
            SqliteCommands.Execute(connection, _steps[version - 1], transaction);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES ($version, $appliedAt);";
            record.Parameters.AddWithValue("$version", version);
            record.Parameters.AddWithValue("$appliedAt", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            record.ExecuteNonQuery();
        }

        transaction.Commit();
        return new SchemaMigration(from, LatestVersion);
    }
}
