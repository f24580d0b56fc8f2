using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

/// <summary>
/// SQLite's baseline: the least a durable event store can do on this disk. WAL, synchronous=FULL, one writer thread
/// that takes every waiting insert into one transaction and one fsync (group commit), and C concurrent producers
/// each waiting for its own commit, as the broker's ingress requests do. Returns events/s.
/// </summary>
internal static class RawSqliteWriter
{
    public static async Task<double> RunAsync(string directory, int events, int concurrency, int payloadBytes)
    {
        var path = Path.Combine(directory, "baseline.db");
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE events (id INTEGER PRIMARY KEY, ce_id TEXT NOT NULL, payload BLOB NOT NULL);";
            setup.ExecuteNonQuery();
        }

        var queue = Channel.CreateUnbounded<(string Id, TaskCompletionSource Done)>();
        var payload = new byte[payloadBytes];
        var writer = Task.Run(async () =>
        {
            var batch = new List<(string Id, TaskCompletionSource Done)>();
            while (await queue.Reader.WaitToReadAsync())
            {
                while (queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                using (var transaction = connection.BeginTransaction())
                using (var insert = connection.CreateCommand())
                {
                    insert.CommandText = "INSERT INTO events (ce_id, payload) VALUES ($id, $payload);";
                    var id = insert.Parameters.Add("$id", SqliteType.Text);
                    insert.Parameters.AddWithValue("$payload", payload);
                    foreach (var (eventId, _) in batch)
                    {
                        id.Value = eventId;
                        insert.ExecuteNonQuery();
                    }

                    transaction.Commit();
                }

                foreach (var (_, done) in batch)
                {
                    done.SetResult();
                }

                batch.Clear();
            }
        });

        var start = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, events), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await queue.Writer.WriteAsync(("raw-" + i, done));
            await done.Task;
        });
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        queue.Writer.Complete();
        await writer;
        return events / seconds;
    }
}
