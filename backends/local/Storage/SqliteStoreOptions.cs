namespace Serverless.Backends.Local.Storage;

/// <summary>Bounds of a store's watch machinery.</summary>
internal sealed record SqliteStoreOptions
{
    /// <summary>
    /// Changes kept in memory per kind for watches to resume from; older versions are Expired and
    /// the watcher re-lists. Default 1024.
    /// </summary>
    public int HistorySize { get; init; } = 1024;

    /// <summary>
    /// Changes queued per watcher beyond its replay backlog; a watcher that falls further behind
    /// is ended with Expired instead of slowing writers or growing without bound. Default 1024.
    /// </summary>
    public int WatchBufferSize { get; init; } = 1024;

    public void Validate()
    {
        if (HistorySize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(HistorySize), HistorySize, $"HistorySize = {HistorySize}, must be at least 1");
        }

        if (WatchBufferSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(WatchBufferSize), WatchBufferSize, $"WatchBufferSize = {WatchBufferSize}, must be at least 1");
        }
    }
}
