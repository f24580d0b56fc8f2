using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Serverless.Hosting.Sqlite;

/// <summary>
/// Group commit over a <see cref="SqliteFile"/>: every write goes through one queue drained by a single writer thread,
/// which runs all the writes waiting at that moment in one transaction (each in its own savepoint, so one failing
/// write fails alone) and pays one fsync for them. Concurrent writers thus share the cost of durability: with 64
/// requests in flight a commit carries tens of them, where one transaction each would cap writes at the disk's fsync
/// rate.
/// </summary>
/// <remarks>
/// Thread-safe. A task returned by <see cref="WriteAsync"/> completes only once its write is committed (durable), or
/// faults with an <see cref="IOException"/> naming the file. Dispose finishes the writes already queued.
/// </remarks>
public sealed class SqliteGroupCommit : IDisposable
{
    /// <summary>Most writes one transaction carries, so that a burst does not delay its first writer without bound.</summary>
    public const int DefaultMaxBatch = 512;

    private readonly Channel<WriteOp> _writes = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteFile _file;
    private readonly Action<int>? _onCommit;
    private readonly int _maxBatch;
    private readonly Thread _writerThread;

    /// <param name="file">The file written; it stays open after Dispose, for its owner to close.</param>
    /// <param name="threadName">The writer thread's name, as debuggers and dumps show it.</param>
    /// <param name="onCommit">Called after each durable commit with the number of writes it carried (for metrics).</param>
    public SqliteGroupCommit(SqliteFile file, string threadName, Action<int>? onCommit = null, int maxBatch = DefaultMaxBatch)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _file = file;
        _onCommit = onCommit;
        _maxBatch = maxBatch;
        _writerThread = new Thread(WriteLoop) { IsBackground = true, Name = threadName };
        _writerThread.Start();
    }

    /// <summary>
    /// Queues <paramref name="write"/>, which runs on the writer connection inside the batch's transaction (commands
    /// made with <c>connection.CreateCommand()</c> join it). Completes once committed.
    /// </summary>
    /// <remarks>The token is checked before queuing only: a queued write may commit anyway, and a caller must not think it did not.</remarks>
    public Task WriteAsync(Action<SqliteConnection> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        cancellationToken.ThrowIfCancellationRequested();
        var op = new WriteOp(write);
        if (!_writes.Writer.TryWrite(op))
        {
            throw new ObjectDisposedException(nameof(SqliteGroupCommit));
        }

        return op.Completion.Task;
    }

    /// <summary>Stops taking writes, and returns once the writes already queued are committed or failed.</summary>
    public void Dispose()
    {
        _writes.Writer.TryComplete();
        _writerThread.Join();
    }

    private void WriteLoop()
    {
        var batch = new List<WriteOp>(_maxBatch);
        var reader = _writes.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var op))
            {
                batch.Add(op);
            }

            Commit(batch);
        }
    }

    private void Commit(List<WriteOp> batch)
    {
        var failures = new Exception?[batch.Count];
        try
        {
            _file.Write(connection =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                for (var i = 0; i < batch.Count; i++)
                {
                    transaction.Save("op");
                    try
                    {
                        batch[i].Write(connection);
                        transaction.Release("op");
                    }
                    catch (Exception e) when (e is SqliteException or InvalidOperationException)
                    {
                        // One bad write fails alone; the others of the group still commit.
                        transaction.Rollback("op");
                        transaction.Release("op");
                        failures[i] = e;
                    }
                }

                transaction.Commit();
                return true;
            });

            _onCommit?.Invoke(batch.Count);
        }
        catch (Exception e)
        {
            foreach (var op in batch)
            {
                op.Completion.TrySetException(new IOException($"{_file.Path}: commit failed: {e.Message}", e));
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } failure)
            {
                batch[i].Completion.TrySetException(new IOException($"{_file.Path}: write failed: {failure.Message}", failure));
            }
            else
            {
                batch[i].Completion.TrySetResult();
            }
        }
    }

    private sealed class WriteOp(Action<SqliteConnection> write)
    {
        public Action<SqliteConnection> Write { get; } = write;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
