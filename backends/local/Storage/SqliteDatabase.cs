using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Serverless.Hosting.Sqlite;

namespace Serverless.Backends.Local.Storage;

/// <summary>
/// The local state file shared by every resource kind (e.g. <c>$SERVERLESS_HOME/state.db</c>):
/// WAL journal with <c>synchronous=FULL</c>, so a write that returned survives SIGKILL and power
/// loss; the global resourceVersion counter, persisted, so versions never go backwards across
/// restarts; schema migrations.
/// </summary>
/// <remarks>
/// Thread-safe. The file, its durability settings and the writer/reader discipline are the kernel's
/// <see cref="SqliteFile"/>: writers are serialized on one dedicated connection running
/// <c>BEGIN IMMEDIATE</c> transactions; readers each take a pooled connection and, thanks to WAL,
/// read a committed snapshot without waiting for the writer. No group commit here: resource writes
/// are rare, and their notifications must leave under the writer lock, in commit order.
/// </remarks>
internal sealed class SqliteDatabase : IDisposable
{
    private readonly SqliteFile _file;
    private readonly HashSet<string> _kinds = new(StringComparer.Ordinal);
    private long _currentVersion;

    private SqliteDatabase(SqliteFile file, long currentVersion)
    {
        _file = file;
        _currentVersion = currentVersion;
    }

    /// <summary>The absolute path of the database file.</summary>
    public string Path => _file.Path;

    /// <summary>The newest committed resourceVersion (of any kind).</summary>
    public long CurrentVersion => Volatile.Read(ref _currentVersion);

    /// <summary>Opens the file, creating it and its directory when missing, and migrates the schema.</summary>
    /// <exception cref="LocalStoreException">The file cannot be opened, is not a database, or has a newer schema.</exception>
    public static SqliteDatabase Open(string path, TimeProvider time, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var fullPath = System.IO.Path.GetFullPath(path);
        SqliteFile? file = null;
        try
        {
            // The state may hold function environment values: a file created here is private to the user.
            file = SqliteFile.Open(fullPath, SqliteSchema.Migrations, time, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (file.Schema.Applied)
            {
                StorageLog.SchemaMigrated(logger, fullPath, file.Schema.From, file.Schema.To);
            }

            var version = file.Read((connection, _) =>
            {
                using var query = connection.CreateCommand();
                query.CommandText = "SELECT value FROM counters WHERE name = $name;";
                query.Parameters.AddWithValue("$name", SqliteSchema.ResourceVersionCounter);
                return Convert.ToInt64(query.ExecuteScalar(), CultureInfo.InvariantCulture);
            });

            StorageLog.DatabaseOpened(logger, fullPath, file.Schema.To, version);
            return new SqliteDatabase(file, version);
        }
        catch (Exception e)
        {
            file?.Dispose();
            if (e is WalRefusedException)
            {
                // Its message already names the file.
                throw new LocalStoreException(fullPath, e.Message, e);
            }

            if (e is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                throw new LocalStoreException(fullPath, $"cannot open the state database {fullPath}: {e.Message}", e);
            }

            throw;
        }
    }

    /// <summary>
    /// Claims a kind, so that two stores never serve the same kind from one file: each store keeps
    /// its own watch history, and a second one would miss the first one's events.
    /// </summary>
    public void RegisterKind(string kind)
    {
        lock (_kinds)
        {
            if (!_kinds.Add(kind))
            {
                throw new InvalidOperationException($"a store for kind {kind} is already open on {Path}");
            }
        }
    }

    public void UnregisterKind(string kind)
    {
        lock (_kinds)
        {
            _kinds.Remove(kind);
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> in an immediate transaction with writers serialized, commits
    /// when it handed out a version (a write that changes nothing commits nothing), then runs
    /// <paramref name="afterCommit"/> still under the writer lock: notifications therefore leave
    /// in commit order and only for committed data.
    /// </summary>
    /// <remarks>The token cancels the wait for the lock only; a started transaction completes.</remarks>
    public Task<TResult> WriteAsync<TResult>(
        string operation,
        Func<SqliteWrite, TResult> write,
        Action<TResult> afterCommit,
        CancellationToken cancellationToken) =>
        _file.WriteAsync(
            connection =>
            {
                TResult result;
                long version;
                try
                {
                    using var transaction = connection.BeginTransaction(deferred: false);
                    var context = new SqliteWrite(connection, transaction);
                    result = write(context);
                    if (context.Version != context.StartVersion)
                    {
                        context.PersistVersion();
                        transaction.Commit();
                    }

                    version = context.Version;
                }
                catch (SqliteException e)
                {
                    throw Failure(operation, e);
                }

                Volatile.Write(ref _currentVersion, version);
                afterCommit(result);
                return result;
            },
            cancellationToken);

    /// <summary>Runs <paramref name="read"/> in a read transaction: one consistent snapshot.</summary>
    public TResult Read<TResult>(string operation, Func<SqliteConnection, SqliteTransaction, TResult> read)
    {
        try
        {
            return _file.Read(read);
        }
        catch (SqliteException e)
        {
            throw Failure(operation, e);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> while no write is in progress: what it observes of
    /// <see cref="CurrentVersion"/> and of notifications already sent is one consistent point.
    /// </summary>
    public Task<TResult> ExclusiveAsync<TResult>(Func<TResult> action, CancellationToken cancellationToken) =>
        _file.WriteAsync(_ => action(), cancellationToken);

    /// <summary>Waits for a write in progress, then closes the file.</summary>
    public void Dispose() => _file.Dispose();

    private LocalStoreException Failure(string operation, SqliteException e) =>
        new(Path, $"{operation} failed on the state database {Path}: {e.Message} (SQLite error {e.SqliteErrorCode}/{e.SqliteExtendedErrorCode})", e);
}
