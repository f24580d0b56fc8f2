using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Serverless.Hosting.Sqlite;

namespace Serverless.Eventing.Storage;

/// <summary>
/// The local event store: one SQLite file (<c>{home}/events.db</c>) in WAL mode with <c>synchronous=FULL</c>, so a
/// write that returned survives SIGKILL and power loss.
/// </summary>
/// <remarks>
/// The file, its durability settings and the reader discipline are the kernel's <see cref="SqliteFile"/>. Every write
/// goes through <see cref="SqliteGroupCommit"/>: concurrent ingress requests share one transaction and one fsync, where
/// one transaction each would cap ingress at the disk's fsync rate. Readers take pooled connections and, thanks to
/// WAL, read committed data without waiting for the writer.
/// </remarks>
internal sealed class SqliteEventStore : IEventStore, IDisposable
{
    /// <summary>
    /// Version 1 is the schema from before versions were recorded, kept with <c>IF NOT EXISTS</c> so that such a file
    /// adopts version 1 as it is.
    /// </summary>
    private static readonly SqliteMigrations Schema = new(
        """
        CREATE TABLE IF NOT EXISTS events (
            id INTEGER PRIMARY KEY,
            namespace TEXT NOT NULL,
            broker TEXT NOT NULL,
            ce_id TEXT NOT NULL,
            ce_source TEXT NOT NULL,
            payload BLOB NOT NULL,
            received_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS deliveries (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES events(id),
            trigger TEXT NOT NULL,
            phase INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt INTEGER NOT NULL,
            last_code INTEGER,
            last_error TEXT,
            updated_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(trigger, next_attempt) WHERE phase < 2;
        CREATE INDEX IF NOT EXISTS deliveries_next ON deliveries(next_attempt) WHERE phase < 2;
        CREATE INDEX IF NOT EXISTS deliveries_event ON deliveries(event_id);
        """);

    private readonly SqliteFile _file;
    private readonly SqliteGroupCommit _commits;

    private SqliteEventStore(SqliteFile file, Action<int>? onCommit)
    {
        _file = file;
        _commits = new SqliteGroupCommit(file, "event-store-writer", onCommit);
    }

    public string Path => _file.Path;

    /// <summary>Opens (creating when missing) the store at <paramref name="path"/>, private to the user (0600): events carry payloads.</summary>
    /// <param name="onCommit">Called after each durable commit with the number of writes it carried (for metrics).</param>
    /// <param name="time">The clock of the schema's <c>applied_at</c>; the system clock by default.</param>
    public static SqliteEventStore Open(string path, Action<int>? onCommit = null, TimeProvider? time = null) =>
        new(SqliteFile.Open(path, Schema, time ?? TimeProvider.System, UnixFileMode.UserRead | UnixFileMode.UserWrite), onCommit);

    public Task AppendAsync(IReadOnlyList<NewEvent> events, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var at = now.ToUnixTimeMilliseconds();
        return WriteAsync(connection =>
        {
            using var insertEvent = connection.CreateCommand();
            insertEvent.CommandText = "INSERT INTO events (namespace, broker, ce_id, ce_source, payload, received_at) VALUES ($ns, $broker, $id, $source, $payload, $at) RETURNING id;";
            var ns = insertEvent.Parameters.Add("$ns", SqliteType.Text);
            var broker = insertEvent.Parameters.Add("$broker", SqliteType.Text);
            var id = insertEvent.Parameters.Add("$id", SqliteType.Text);
            var source = insertEvent.Parameters.Add("$source", SqliteType.Text);
            var payload = insertEvent.Parameters.Add("$payload", SqliteType.Blob);
            insertEvent.Parameters.AddWithValue("$at", at);

            using var insertDelivery = connection.CreateCommand();
            insertDelivery.CommandText = "INSERT INTO deliveries (event_id, trigger, phase, attempts, next_attempt, updated_at) VALUES ($event, $trigger, 0, 0, $at, $at);";
            var eventId = insertDelivery.Parameters.Add("$event", SqliteType.Integer);
            var trigger = insertDelivery.Parameters.Add("$trigger", SqliteType.Text);
            insertDelivery.Parameters.AddWithValue("$at", at);

            foreach (var e in events)
            {
                ns.Value = e.Namespace;
                broker.Value = e.Broker;
                id.Value = e.Id;
                source.Value = e.Source;
                payload.Value = e.Payload.ToArray();
                eventId.Value = (long)insertEvent.ExecuteScalar()!;
                foreach (var t in e.Triggers)
                {
                    trigger.Value = t;
                    insertDelivery.ExecuteNonQuery();
                }
            }
        }, cancellationToken);
    }

    public Task CompleteAsync(long deliveryId, CancellationToken cancellationToken = default) => WriteAsync(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM deliveries WHERE id = $id RETURNING event_id;
            """;
        command.Parameters.AddWithValue("$id", deliveryId);
        if (command.ExecuteScalar() is long eventId)
        {
            using var cleanup = connection.CreateCommand();
            cleanup.CommandText = "DELETE FROM events WHERE id = $event AND NOT EXISTS (SELECT 1 FROM deliveries WHERE event_id = $event);";
            cleanup.Parameters.AddWithValue("$event", eventId);
            cleanup.ExecuteNonQuery();
        }
    }, cancellationToken);

    public Task RescheduleAsync(long deliveryId, DeliveryPhase phase, int attempts, DateTimeOffset nextAttempt, int? code, string error, CancellationToken cancellationToken = default) =>
        WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE deliveries SET phase = $phase, attempts = $attempts, next_attempt = $next, last_code = $code, last_error = $error, updated_at = $next WHERE id = $id;";
            command.Parameters.AddWithValue("$phase", (int)phase);
            command.Parameters.AddWithValue("$attempts", attempts);
            command.Parameters.AddWithValue("$next", nextAttempt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$code", code is { } c ? c : DBNull.Value);
            command.Parameters.AddWithValue("$error", error);
            command.Parameters.AddWithValue("$id", deliveryId);
            command.ExecuteNonQuery();
        }, cancellationToken);

    public async Task<int> DropTriggerAsync(string trigger, CancellationToken cancellationToken = default)
    {
        var dropped = 0;
        await WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                DELETE FROM deliveries WHERE trigger = $trigger;
                DELETE FROM events WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE deliveries.event_id = events.id);
                """;
            command.Parameters.AddWithValue("$trigger", trigger);
            using var reader = command.ExecuteReader();
            dropped = reader.RecordsAffected;
        }, cancellationToken).ConfigureAwait(false);
        return dropped;
    }

    public Task<IReadOnlyList<string>> GetTriggersWithDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<string>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT DISTINCT trigger FROM deliveries WHERE phase < 2 AND next_attempt <= $now;";
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            using var reader = command.ExecuteReader();
            var triggers = new List<string>();
            while (reader.Read())
            {
                triggers.Add(reader.GetString(0));
            }

            return triggers;
        }, cancellationToken);

    public Task<IReadOnlyList<PendingDelivery>> GetDueAsync(
        string trigger, DateTimeOffset now, int limit, IReadOnlyCollection<long> exclude, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<PendingDelivery>>(connection =>
        {
            using var command = connection.CreateCommand();
            var sql = new StringBuilder("""
                SELECT d.id, d.event_id, d.trigger, d.phase, d.attempts, d.last_code, d.last_error, e.received_at, e.payload
                FROM deliveries d JOIN events e ON e.id = d.event_id
                WHERE d.trigger = $trigger AND d.phase < 2 AND d.next_attempt <= $now
                """);
            if (exclude.Count > 0)
            {
                // Our own numbers, never user input: inlined rather than one parameter each.
                sql.Append(" AND d.id NOT IN (").AppendJoin(',', exclude.Select(id => id.ToString(CultureInfo.InvariantCulture))).Append(')');
            }

            sql.Append(" ORDER BY d.next_attempt, d.id LIMIT $limit;");
            command.CommandText = sql.ToString();
            command.Parameters.AddWithValue("$trigger", trigger);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var due = new List<PendingDelivery>();
            while (reader.Read())
            {
                due.Add(new PendingDelivery(
                    reader.GetInt64(0),
                    reader.GetInt64(1),
                    reader.GetString(2),
                    (DeliveryPhase)reader.GetInt32(3),
                    reader.GetInt32(4),
                    reader.IsDBNull(5) ? null : reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                    (byte[])reader.GetValue(8)));
            }

            return due;
        }, cancellationToken);

    public Task<DateTimeOffset?> GetNextDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ReadAsync<DateTimeOffset?>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT MIN(next_attempt) FROM deliveries WHERE phase < 2 AND next_attempt > $now;";
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            return command.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        }, cancellationToken);

    public Task<DeliveryCounts> CountAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT
                    (SELECT COUNT(*) FROM deliveries WHERE phase = 0),
                    (SELECT COUNT(*) FROM deliveries WHERE phase = 1),
                    (SELECT COUNT(*) FROM deliveries WHERE phase = 2),
                    (SELECT COUNT(*) FROM events);
                """;
            using var reader = command.ExecuteReader();
            reader.Read();
            return new DeliveryCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }, cancellationToken);

    private Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_file.Read((connection, _) => read(connection)));
    }

    private Task WriteAsync(Action<SqliteConnection> write, CancellationToken cancellationToken) =>
        _commits.WriteAsync(write, cancellationToken);

    /// <summary>Commits the writes already queued, then closes the file.</summary>
    public void Dispose()
    {
        _commits.Dispose();
        _file.Dispose();
    }
}
