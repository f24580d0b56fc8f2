using Microsoft.Data.Sqlite;

namespace Serverless.Hosting.Sqlite;

/// <summary>One-statement helpers for the kernel's own pragmas and schema steps.</summary>
internal static class SqliteCommands
{
    public static object? ExecuteScalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
