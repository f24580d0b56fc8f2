using System.Threading.Channels;

namespace Serverless.Backends.Local.Storage;

/// <summary>
/// One watcher's bounded queue of records, filled by <see cref="WatchBroadcaster"/>. Disposing
/// it stops delivery. The reader ends normally when the store closes, and with
/// <see cref="Serverless.Core.Contracts.StoreErrorKind.Expired"/> when the watcher fell behind.
/// </summary>
internal sealed class WatchSubscription : IDisposable
{
    private readonly WatchBroadcaster _owner;

    public WatchSubscription(WatchBroadcaster owner, string? @namespace, Channel<WatchRecord> channel)
    {
        _owner = owner;
        Namespace = @namespace;
        Channel = channel;
    }

    /// <summary>Only records of this namespace, or all when null.</summary>
    public string? Namespace { get; }

    public ChannelReader<WatchRecord> Reader => Channel.Reader;

    internal Channel<WatchRecord> Channel { get; }

    public bool Matches(WatchRecord record) => Namespace is null || string.Equals(Namespace, record.Namespace, StringComparison.Ordinal);

    public void Dispose() => _owner.Unsubscribe(this);
}
