namespace Serverless.Backends.Local.Storage;

/// <summary>
/// The state database failed below the resource semantics: disk full, I/O error, a corrupt file,
/// a file written by a newer version. Carries the file so the operator knows what to look at.
/// </summary>
public sealed class LocalStoreException : Exception
{
    public LocalStoreException(string databasePath, string message, Exception? inner = null)
        : base(message, inner)
    {
        DatabasePath = databasePath;
    }

    public string DatabasePath { get; }

    /// <summary>The disk (or the file system's quota) is full: SQLite's SQLITE_FULL, or ENOSPC from the file system.</summary>
    public bool IsDiskFull => InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException e => e.SqliteErrorCode == SqliteFull,
        IOException e => (e.HResult & 0xFFFF) == Enospc,
        _ => false,
    };

    private const int SqliteFull = 13;
    private const int Enospc = 28;
}
