using Serverless.Hosting.Sqlite;

namespace Serverless.Backends.Local.Storage;

/// <summary>
/// The schema of the state database as an ordered list of migrations. A migration is never
/// edited once released: a change is a new entry, so every existing file can be brought forward.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The name of the single global resourceVersion counter in <c>counters</c>.</summary>
    public const string ResourceVersionCounter = "resource_version";

    public static readonly SqliteMigrations Migrations = new(
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
    ]);
}
