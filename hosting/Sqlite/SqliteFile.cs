using Microsoft.Data.Sqlite;

namespace Serverless.Hosting.Sqlite;

/// <summary>
/// One SQLite database file opened for durable writes: WAL journal with <c>synchronous=FULL</c>, so a write that
/// returned survives SIGKILL and power loss; a busy timeout on every connection, so another process holding a lock
/// delays rather than fails; the schema migrated on open. The stores built on it keep their own SQL.
/// </summary>
/// <remarks>
/// Thread-safe. Writes run one at a time on one dedicated writer connection, behind a lock (<see cref="WriteAsync"/>,
/// <see cref="Write"/>; <see cref="SqliteGroupCommit"/> batches many writes into one of them). Reads each take a
/// pooled connection and, thanks to WAL, read a committed snapshot without waiting for the writer.
/// </remarks>
public sealed class SqliteFile : IDisposable
{
    /// <summary>How long a connection waits for a lock held by another process before failing.</summary>
    public const int BusyTimeoutMilliseconds = 5000;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private volatile bool _disposed;

    private SqliteFile(string path, string connectionString, SqliteConnection writer, SchemaMigration schema)
    {
        Path = path;
        _connectionString = connectionString;
        _writer = writer;
        Schema = schema;
    }

    /// <summary>The absolute path of the database file.</summary>
    public string Path { get; }

    /// <summary>The schema version found on open and the version now: callers log a migration.</summary>
    public SchemaMigration Schema { get; }

    /// <summary>Opens the file, creating it and its directory when missing, and migrates its schema.</summary>
    /// <param name="fileMode">
    /// Permissions of the database (not on Windows): a file created here gets them, and an existing one and its
    /// <c>-wal</c> and <c>-shm</c> files are changed to them, so a database made before the mode was set is
    /// tightened too. SQLite gives the <c>-wal</c> and <c>-shm</c> files it creates the permissions of the database
    /// file. Null leaves creating it to SQLite, with the process umask, and changes nothing.
    /// </param>
    /// <exception cref="WalRefusedException">SQLite refused WAL journaling for the file.</exception>
    /// <exception cref="InvalidOperationException">The file has a newer schema than <paramref name="migrations"/> know.</exception>
    /// <exception cref="SqliteException">The file is not a database, or SQLite failed reading or writing it.</exception>
    /// <exception cref="IOException">The directory or the file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory or the file cannot be created.</exception>
    public static SqliteFile Open(string path, SqliteMigrations migrations, TimeProvider time, UnixFileMode? fileMode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(time);
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
            CreateOrChangeMode(fullPath, fileMode);
            writer = OpenConnection(connectionString);
            var journalMode = SqliteCommands.ExecuteScalar(writer, "PRAGMA journal_mode = WAL;");
            if (!string.Equals(journalMode as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new WalRefusedException(fullPath, journalMode?.ToString() ?? "");
            }

            // Per connection, so set here on the writer; readers need no durability setting.
            SqliteCommands.ExecuteScalar(writer, "PRAGMA synchronous = FULL;");
            var schema = migrations.Migrate(writer, time);
            return new SqliteFile(fullPath, connectionString, writer, schema);
        }
        catch
        {
            writer?.Dispose();
            SqliteConnection.ClearPool(new SqliteConnection(connectionString));
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> with the writer connection while no other write runs. The caller owns the
    /// transaction (<c>BeginTransaction(deferred: false)</c>), and whatever it does after committing still happens
    /// before the next write: notifications sent there leave in commit order.
    /// </summary>
    /// <remarks>The token cancels the wait for the lock only; a started write completes.</remarks>
    public async Task<TResult> WriteAsync<TResult>(Func<SqliteConnection, TResult> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return write(_writer);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary><see cref="WriteAsync"/> for a dedicated writer thread, which may block while it waits.</summary>
    public TResult Write<TResult>(Func<SqliteConnection, TResult> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writeLock.Wait();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return write(_writer);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a pooled connection in a deferred transaction: one consistent snapshot of
    /// committed data, also across several statements. Commands made with <c>connection.CreateCommand()</c> join the
    /// transaction.
    /// </summary>
    public TResult Read<TResult>(Func<SqliteConnection, SqliteTransaction, TResult> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = OpenConnection(_connectionString);
        using var transaction = connection.BeginTransaction(deferred: true);
        var result = read(connection, transaction);
        transaction.Commit();
        return result;
    }

    /// <summary>Waits for a write in progress (closing its connection underneath would abort it), then closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

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

    private static SqliteConnection OpenConnection(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();

            // The C call rather than a PRAGMA statement: every read opens a (pooled) connection, and preparing a
            // statement for it each time costs more than the read's own BEGIN and COMMIT.
            var result = SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, BusyTimeoutMilliseconds);
            SqliteException.ThrowExceptionForRC(result, connection.Handle);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void CreateOrChangeMode(string path, UnixFileMode? fileMode)
    {
        if (File.Exists(path))
        {
            if (fileMode is { } existingMode && !OperatingSystem.IsWindows())
            {
                foreach (var file in (ReadOnlySpan<string>)[path, path + "-wal", path + "-shm"])
                {
                    if (File.Exists(file) && File.GetUnixFileMode(file) != existingMode)
                    {
                        File.SetUnixFileMode(file, existingMode);
                    }
                }
            }

            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (fileMode is not { } mode)
        {
            return;
        }

        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        // An empty file is a valid empty SQLite database.
        using var _ = new FileStream(path, options);
    }
}
