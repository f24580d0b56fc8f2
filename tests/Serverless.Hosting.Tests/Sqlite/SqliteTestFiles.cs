using Microsoft.Data.Sqlite;
using Serverless.Hosting.Sqlite;

namespace Serverless.Hosting.Tests.Sqlite;

/// <summary>A one-table schema and plain connections that look at a file from outside the kernel, as another process would.</summary>
internal static class SqliteTestFiles
{
    public static readonly SqliteMigrations Items = new("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);");

    public static object? Query(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public static void Insert(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO items (name) VALUES ($name);";
        command.Parameters.AddWithValue("$name", name);
        command.ExecuteNonQuery();
    }

    public static long Count(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM items;";
        return (long)command.ExecuteScalar()!;
    }
}
