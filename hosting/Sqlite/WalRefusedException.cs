namespace Serverless.Hosting.Sqlite;

/// <summary>
/// SQLite would not put the file in WAL mode (typically a network file system), so writes could not be both
/// durable and concurrent with readers. The message names the file.
/// </summary>
/// <remarks>An <see cref="InvalidOperationException"/>, as the event store threw before the kernel existed.</remarks>
public sealed class WalRefusedException : InvalidOperationException
{
    public WalRefusedException(string databasePath, string journalMode)
        : base($"{databasePath}: SQLite refused WAL journaling (journal_mode is {journalMode}); is it on a network file system?")
    {
        DatabasePath = databasePath;
    }

    public string DatabasePath { get; }
}
