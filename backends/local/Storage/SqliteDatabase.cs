using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Serverless.Backends.Local.Storage;

/// <summary>
/// The local state file shared by every resource kind (e.g. <c>$SERVERLESS_HOME/state.db</c>):
/// WAL journal with <c>synchronous=FULL</c>, so a write that returned survives SIGKILL and power
/// loss; the global resourceVersion counter, persisted, so versions never go backwards across
/// restarts; schema migrations.
/// </summary>
/// <remarks>
/// Thread-safe. Writers are serialized by a semaphore around one dedicated connection running
/// <c>BEGIN IMMEDIATE</c> transactions; readers each take a pooled connection and, thanks to WAL,
/// read a committed snapshot without waiting for the writer.
/// </remarks>
internal sealed class SqliteDatabase : IDisposable
{
    /// <summary>How long a connection waits for a lock held by another process before failing.</summary>
    private const int BusyTimeoutMilliseconds = 5000;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly HashSet<string> _kinds = new(StringComparer.Ordinal);
    private long _currentVersion;
    private volatile bool _disposed;

    private SqliteDatabase(string path, string connectionString, SqliteConnection writer, long currentVersion)
    {
        Path = path;
        _connectionString = connectionString;
        _writer = writer;
        _currentVersion = currentVersion;
    }

    /// <summary>The absolute path of the database file.</summary>
    public string Path { get; }

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
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();

        SqliteConnection? writer = null;
        try
        {
            CreateFileIfMissing(fullPath);
            writer = OpenConnection(connectionString);
            var journalMode = ExecuteScalar(writer, "PRAGMA journal_mode = WAL;");
            if (!string.Equals(journalMode as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new LocalStoreException(fullPath, $"{fullPath}: SQLite refused WAL journaling (journal_mode is {journalMode}); is it on a network file system?");
            }

            // Per connection, so set here on the writer; readers need no durability setting.
            ExecuteScalar(writer, "PRAGMA synchronous = FULL;");
            var (from, to) = SqliteSchema.Migrate(writer, time);
            if (from != to)
            {
                StorageLog.SchemaMigrated(logger, fullPath, from, to);
            }

            long version;
            using (var query = writer.CreateCommand())
            {
                query.CommandText = "SELECT value FROM counters WHERE name = $name;";
                query.Parameters.AddWithValue("$name", SqliteSchema.ResourceVersionCounter);
                version = Convert.ToInt64(query.ExecuteScalar(), CultureInfo.InvariantCulture);
            }

            StorageLog.DatabaseOpened(logger, fullPath, to, version);
            return new SqliteDatabase(fullPath, connectionString, writer, version);
        }
        catch (Exception e)
        {
            writer?.Dispose();
            SqliteConnection.ClearPool(new SqliteConnection(connectionString));
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
    public async Task<TResult> WriteAsync<TResult>(
        string operation,
        Func<SqliteWrite, TResult> write,
        Action<TResult> afterCommit,
        CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            TResult result;
            long version;
            try
            {
                using var transaction = _writer.BeginTransaction(deferred: false);
                var context = new SqliteWrite(_writer, transaction);
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
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Runs <paramref name="read"/> in a read transaction: one consistent snapshot.</summary>
    public TResult Read<TResult>(string operation, Func<SqliteConnection, SqliteTransaction, TResult> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var connection = OpenConnection(_connectionString);
            using var transaction = connection.BeginTransaction(deferred: true);
            var result = read(connection, transaction);
            transaction.Commit();
            return result;
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
    public async Task<TResult> ExclusiveAsync<TResult>(Func<TResult> action, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return action();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        // Wait for a write in progress: closing its connection underneath would abort it.
        _writeLock.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writer.Dispose();

            // Pooled reader connections keep the file (and its -wal/-shm) open otherwise; closing
            // the last one also checkpoints the WAL into the main file.
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private LocalStoreException Failure(string operation, SqliteException e) =>
        new(Path, $"{operation} failed on the state database {Path}: {e.Message} (SQLite error {e.SqliteErrorCode}/{e.SqliteExtendedErrorCode})", e);

    private static SqliteConnection OpenConnection(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            ExecuteScalar(connection, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static object? ExecuteScalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>The state may hold function environment values: keep the file private to the user.</summary>
    private static void CreateFileIfMissing(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // An empty file is a valid empty SQLite database; SQLite gives the -wal and -shm files
        // the same permissions as this one.
        using var _ = new FileStream(path, options);
    }
}
