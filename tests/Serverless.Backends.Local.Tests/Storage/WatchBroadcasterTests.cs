using Serverless.Backends.Local.Storage;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Tests.Storage;

public sealed class WatchBroadcasterTests
{
    [Theory]
    [InlineData("before the start", 10, 5, false)]
    [InlineData("at the start", 10, 10, true)]
    [InlineData("after the start", 10, 12, true)]
    public void Subscribe_FromVersion_ExpiredOnlyBeforeOldestResumable(string label, long start, long from, bool allowed)
    {
        var broadcaster = new WatchBroadcaster(start, historySize: 4, bufferSize: 4);

        var error = Record.Exception(() => broadcaster.Subscribe(null, from).Dispose());

        Assert.True(allowed ? error is null : error is StoreException { Kind: StoreErrorKind.Expired }, $"{label}: {error}");
    }

    [Fact]
    public void Publish_PastHistorySize_MovesOldestResumableToLastEvicted()
    {
        var broadcaster = new WatchBroadcaster(0, historySize: 2, bufferSize: 4);

        foreach (var version in new long[] { 3, 5, 8 })
        {
            broadcaster.Publish(Change(version));
        }

        Assert.Equal(3, broadcaster.OldestResumableVersion);
        using var subscription = broadcaster.Subscribe(null, 3);
        Assert.Equal([5L, 8L], Drain(subscription).Select(r => r.Version));
    }

    [Fact]
    public void Publish_OutOfOrder_Throws()
    {
        var broadcaster = new WatchBroadcaster(0, historySize: 2, bufferSize: 4);
        broadcaster.Publish(Change(2));

        Assert.Throws<InvalidOperationException>(() => broadcaster.Publish(Change(2)));
    }

    [Fact]
    public async Task Publish_WatcherBufferFull_CompletesItWithExpiredAfterQueuedRecords()
    {
        var broadcaster = new WatchBroadcaster(0, historySize: 8, bufferSize: 2);
        using var subscription = broadcaster.Subscribe(null, 0);

        var ended = new[] { 1, 2, 3 }.Select(v => broadcaster.Publish(Change(v))).ToList();

        Assert.Equal([0, 0, 1], ended);
        Assert.Equal([1L, 2L], Drain(subscription).Select(r => r.Version));
        var error = await Assert.ThrowsAsync<StoreException>(() => subscription.Reader.Completion);
        Assert.Equal(StoreErrorKind.Expired, error.Kind);
        Assert.Equal(0, broadcaster.WatcherCount);
    }

    [Fact]
    public void Subscribe_BacklogLargerThanBuffer_ReplaysAllOfIt()
    {
        var broadcaster = new WatchBroadcaster(0, historySize: 8, bufferSize: 1);
        for (var v = 1; v <= 5; v++)
        {
            broadcaster.Publish(Change(v));
        }

        using var subscription = broadcaster.Subscribe(null, 1);

        Assert.Equal([2L, 3L, 4L, 5L], Drain(subscription).Select(r => r.Version));
    }

    private static WatchRecord Change(long version) => new(version, WatchEventType.Added, "default", "{}");

    private static List<WatchRecord> Drain(WatchSubscription subscription)
    {
        var records = new List<WatchRecord>();
        while (subscription.Reader.TryRead(out var record))
        {
            records.Add(record);
        }

        return records;
    }
}
