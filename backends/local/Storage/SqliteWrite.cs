using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Serverless.Backends.Local.Storage;

/// <summary>
/// One immediate write transaction handed to a writer by <see cref="SqliteDatabase.WriteAsync"/>.
/// Versions it hands out are persisted with the transaction, or not at all when it rolls back.
/// </summary>
internal sealed class SqliteWrite
{
    private long _version;

    public SqliteWrite(SqliteConnection connection, SqliteTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;

        // Read inside the transaction rather than trusting memory: the file is the authority,
        // also when another process wrote to it.
        using var command = CreateCommand("SELECT value FROM counters WHERE name = $name;");
        command.Parameters.AddWithValue("$name", SqliteSchema.ResourceVersionCounter);
        StartVersion = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        _version = StartVersion;
    }

    public SqliteConnection Connection { get; }

    public SqliteTransaction Transaction { get; }

    public long StartVersion { get; }

    /// <summary>The newest version handed out, or <see cref="StartVersion"/> when none was.</summary>
    public long Version => _version;

    /// <summary>The next global resourceVersion: one counter for every kind, as etcd's revision.</summary>
    public long NextVersion() => ++_version;

    public SqliteCommand CreateCommand(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Writes the counter when versions were handed out; called just before commit.</summary>
    public void PersistVersion()
    {
        if (_version == StartVersion)
        {
            return;
        }

        using var command = CreateCommand("UPDATE counters SET value = $value WHERE name = $name;");
        command.Parameters.AddWithValue("$value", _version);
        command.Parameters.AddWithValue("$name", SqliteSchema.ResourceVersionCounter);
        command.ExecuteNonQuery();
    }
}
