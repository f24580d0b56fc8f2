namespace Serverless.KubeApiServer;

public sealed class KubeApiDoubleOptions
{
    /// <summary>Clock for timestamps, watch timeouts and bookmarks. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Changes kept for watches to resume from. A watch from an older resourceVersion gets 410 Gone.
    /// Default 100,000 (a real etcd keeps about five minutes).
    /// </summary>
    public int HistoryLimit { get; init; } = 100_000;

    /// <summary>Events a watch may have queued unread before it is ended with 410 Gone. Default 10,000.</summary>
    public int WatchBufferLimit { get; init; } = 10_000;

    /// <summary>When set, a BOOKMARK is sent at this interval to every watch that asked for bookmarks. Default: none (see <see cref="KubeApiDouble.SendBookmarks"/>).</summary>
    public TimeSpan? BookmarkInterval { get; init; }
}
