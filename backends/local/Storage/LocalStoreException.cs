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
}
