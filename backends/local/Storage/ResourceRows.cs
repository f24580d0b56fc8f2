using Microsoft.Data.Sqlite;

namespace Serverless.Backends.Local.Storage;

/// <summary>
/// The SQL of the <c>resources</c> table. Every value travels as a parameter: names and JSON are
/// data, never statement text.
/// </summary>
internal static class ResourceRows
{
    public static string? SelectJson(SqliteConnection connection, SqliteTransaction transaction, string kind, string @namespace, string name)
    {
        using var command = Command(connection, transaction, "SELECT json FROM resources WHERE kind = $kind AND namespace = $namespace AND name = $name;");
        AddKey(command, kind, @namespace, name);
        return command.ExecuteScalar() as string;
    }

    /// <summary>Ordered by namespace then name, by ordinal (byte) comparison.</summary>
    public static List<string> SelectJsonList(SqliteConnection connection, SqliteTransaction transaction, string kind, string? @namespace)
    {
        using var command = Command(
            connection,
            transaction,
            "SELECT json FROM resources WHERE kind = $kind AND ($namespace IS NULL OR namespace = $namespace) ORDER BY namespace, name;");
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$namespace", (object?)@namespace ?? DBNull.Value);
        var rows = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    public static void Insert(SqliteWrite write, string kind, string @namespace, string name, string uid, long resourceVersion, long generation, string json)
    {
        using var command = write.CreateCommand("""
            INSERT INTO resources (kind, namespace, name, uid, resource_version, generation, json)
            VALUES ($kind, $namespace, $name, $uid, $resourceVersion, $generation, $json);
            """);
        AddKey(command, kind, @namespace, name);
        command.Parameters.AddWithValue("$uid", uid);
        command.Parameters.AddWithValue("$resourceVersion", resourceVersion);
        command.Parameters.AddWithValue("$generation", generation);
        command.Parameters.AddWithValue("$json", json);
        command.ExecuteNonQuery();
    }

    public static void Update(SqliteWrite write, string kind, string @namespace, string name, long resourceVersion, long generation, string json)
    {
        using var command = write.CreateCommand("""
            UPDATE resources SET resource_version = $resourceVersion, generation = $generation, json = $json
            WHERE kind = $kind AND namespace = $namespace AND name = $name;
            """);
        AddKey(command, kind, @namespace, name);
        command.Parameters.AddWithValue("$resourceVersion", resourceVersion);
        command.Parameters.AddWithValue("$generation", generation);
        command.Parameters.AddWithValue("$json", json);
        ExpectOneRow(command);
    }

    public static void Delete(SqliteWrite write, string kind, string @namespace, string name)
    {
        using var command = write.CreateCommand("DELETE FROM resources WHERE kind = $kind AND namespace = $namespace AND name = $name;");
        AddKey(command, kind, @namespace, name);
        ExpectOneRow(command);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void AddKey(SqliteCommand command, string kind, string @namespace, string name)
    {
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$namespace", @namespace);
        command.Parameters.AddWithValue("$name", name);
    }

    /// <summary>The row was read in the same immediate transaction, so anything else is a bug.</summary>
    private static void ExpectOneRow(SqliteCommand command)
    {
        var rows = command.ExecuteNonQuery();
        if (rows != 1)
        {
            throw new InvalidOperationException($"expected to change one row, changed {rows}: {command.CommandText}");
        }
    }
}
