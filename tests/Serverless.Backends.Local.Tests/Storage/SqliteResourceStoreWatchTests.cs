using Serverless.Backends.Local.Storage;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Tests.Stores;
using static Serverless.Hosting.Tests.Stores.StorageTestObjects;

namespace Serverless.Backends.Local.Tests.Storage;

public sealed class SqliteResourceStoreWatchTests
{
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WatchAsync_FromListVersion_ReplaysThenStreamsLiveInOrder()
    {
        using var harness = new StoreHarness();
        var functions = harness.Stores.Functions;
        await functions.CreateAsync(Function("default", "before"));
        var list = await functions.ListAsync();
        await functions.CreateAsync(Function("default", "hello"));
        await functions.ReplaceAsync(Function("default", "hello", WithEnv("A", "1")));

        await using var watch = WatchReader<Function>.Start(functions, null, list.ResourceVersion);
        var replayed = await watch.NextAsync(2);
        await functions.ReplaceStatusAsync(Function("default", "hello", WithReadyReplicas(1)));
        await functions.DeleteAsync("default", "hello");
        var live = await watch.NextAsync(2);

        var events = replayed.Concat(live).ToList();
        Assert.Equal(
            [WatchEventType.Added, WatchEventType.Modified, WatchEventType.Modified, WatchEventType.Deleted],
            events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("hello", e.Object.Metadata.Name));
        Assert.Equal(["2", "3", "4", "5"], events.Select(e => e.Object.Metadata.ResourceVersion));
        Assert.Equal("1", events[1].Object.Spec.Env![0].Value);
        Assert.Equal(1, events[2].Object.Status!.ReadyReplicas);

        // The deletion carries the last state under a version of its own.
        Assert.Equal(1, events[3].Object.Status!.ReadyReplicas);
        Assert.Equal("5", (await functions.ListAsync()).ResourceVersion);
    }

    [Fact]
    public async Task WatchAsync_CurrentVersion_StreamsOnlyLaterChanges()
    {
        using var harness = new StoreHarness();
        var functions = harness.Stores.Functions;
        await functions.CreateAsync(Function("default", "old"));
        var list = await functions.ListAsync();

        await using var watch = WatchReader<Function>.Start(functions, null, list.ResourceVersion);
        Assert.Equal(1, harness.Functions.WatcherCount);
        await functions.CreateAsync(Function("default", "new"));

        var added = await watch.NextAsync();
        Assert.Equal((WatchEventType.Added, "new"), (added.Type, added.Object.Metadata.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    public async Task WatchAsync_NoVersion_StartsWithCurrentStateAsAdded(string version)
    {
        using var harness = new StoreHarness();
        var functions = harness.Stores.Functions;
        await functions.CreateAsync(Function("b", "two"));
        await functions.CreateAsync(Function("a", "one"));
        await functions.DeleteAsync("b", "two");

        await using var watch = WatchReader<Function>.Start(functions, null, version);
        var initial = await watch.NextAsync();
        await functions.CreateAsync(Function("a", "three"));
        var live = await watch.NextAsync();

        Assert.Equal((WatchEventType.Added, "one"), (initial.Type, initial.Object.Metadata.Name));
        Assert.Equal((WatchEventType.Added, "three"), (live.Type, live.Object.Metadata.Name));
    }

    [Fact]
    public async Task WatchAsync_Namespace_DeliversOnlyThatNamespace()
    {
        using var harness = new StoreHarness();
        var functions = harness.Stores.Functions;
        var list = await functions.ListAsync("a");
        await functions.CreateAsync(Function("b", "replayed-elsewhere"));
        await functions.CreateAsync(Function("a", "replayed"));

        await using var watch = WatchReader<Function>.Start(functions, "a", list.ResourceVersion);
        var replayed = await watch.NextAsync();
        await functions.CreateAsync(Function("b", "live-elsewhere"));
        await functions.CreateAsync(Function("a", "live"));
        var live = await watch.NextAsync();

        Assert.Equal("replayed", replayed.Object.Metadata.Name);
        Assert.Equal("live", live.Object.Metadata.Name);
    }

    [Fact]
    public async Task WatchAsync_OtherKindsWrite_DeliversOnlyOwnKind()
    {
        using var harness = new StoreHarness();
        var list = await harness.Stores.Functions.ListAsync();

        await using var watch = WatchReader<Function>.Start(harness.Stores.Functions, null, list.ResourceVersion);
        await harness.Stores.Brokers.CreateAsync(Broker("default", "default"));
        await harness.Stores.Triggers.CreateAsync(Trigger("default", "t"));
        await harness.Stores.Functions.CreateAsync(Function("default", "hello"));

        var added = await watch.NextAsync();
        Assert.Equal(("hello", "3"), (added.Object.Metadata.Name, added.Object.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task WatchAsync_NoOpWrite_SendsNoEvent()
    {
        using var harness = new StoreHarness();
        var functions = harness.Stores.Functions;
        await functions.CreateAsync(Function("default", "hello", WithReadyReplicas(0)));
        await functions.ReplaceStatusAsync(Function("default", "hello", WithReadyReplicas(1)));
        var list = await functions.ListAsync();

        await using var watch = WatchReader<Function>.Start(functions, null, list.ResourceVersion);
        await functions.ReplaceStatusAsync(Function("default", "hello", WithReadyReplicas(1)));
        await functions.ReplaceAsync(Function("default", "hello"));
        await functions.ReplaceStatusAsync(Function("default", "hello", WithReadyReplicas(2)));

        var next = await watch.NextAsync();
        Assert.Equal(2, next.Object.Status!.ReadyReplicas);
        Assert.Equal("3", next.Object.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task WatchAsync_VersionOlderThanHistory_FailsWithExpired()
    {
        using var harness = new StoreHarness(new SqliteStoreOptions { HistorySize = 4 });
        var functions = harness.Stores.Functions;
        for (var i = 0; i < 6; i++)
        {
            await functions.CreateAsync(Function("default", "fn-" + i));
        }

        // Versions 1 and 2 were evicted: everything after 2 is still there, after 1 is not.
        await using var resumable = WatchReader<Function>.Start(functions, null, "2");
        var replayed = await resumable.NextAsync(4);
        await using var expired = WatchReader<Function>.Start(functions, null, "1");
        var error = await Assert.ThrowsAsync<StoreException>(expired.MoveNextAsync);

        Assert.Equal(["3", "4", "5", "6"], replayed.Select(e => e.Object.Metadata.ResourceVersion));
        Assert.Equal(StoreErrorKind.Expired, error.Kind);
    }

    [Fact]
    public async Task WatchAsync_VersionFromBeforeReopen_FailsWithExpired()
    {
        using var harness = new StoreHarness();
        await harness.Stores.Functions.CreateAsync(Function("default", "hello"));
        var before = await harness.Stores.Functions.ListAsync();
        await harness.Stores.Functions.CreateAsync(Function("default", "later"));
        harness.Reopen();

        await using var stale = WatchReader<Function>.Start(harness.Stores.Functions, null, before.ResourceVersion);
        var error = await Assert.ThrowsAsync<StoreException>(stale.MoveNextAsync);

        Assert.Equal(StoreErrorKind.Expired, error.Kind);
    }

    [Fact]
    public async Task WatchAsync_CurrentVersionAfterReopen_StreamsLive()
    {
        using var harness = new StoreHarness();
        await harness.Stores.Functions.CreateAsync(Function("default", "hello"));
        harness.Reopen();
        var list = await harness.Stores.Functions.ListAsync();

        await using var watch = WatchReader<Function>.Start(harness.Stores.Functions, null, list.ResourceVersion);
        await harness.Stores.Functions.DeleteAsync("default", "hello");

        var deleted = await watch.NextAsync();
        Assert.Equal((WatchEventType.Deleted, "2"), (deleted.Type, deleted.Object.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task WatchAsync_VersionNewerThanStore_FailsWithExpired()
    {
        using var harness = new StoreHarness();
        await harness.Stores.Functions.CreateAsync(Function("default", "hello"));

        await using var watch = WatchReader<Function>.Start(harness.Stores.Functions, null, "99");
        var error = await Assert.ThrowsAsync<StoreException>(watch.MoveNextAsync);

        Assert.Equal(StoreErrorKind.Expired, error.Kind);
    }

    [Fact]
    public async Task WatchAsync_VersionNotANumber_FailsWithInvalid()
    {
        using var harness = new StoreHarness();

        await using var watch = WatchReader<Function>.Start(harness.Stores.Functions, null, "latest");
        var error = await Assert.ThrowsAsync<StoreException>(watch.MoveNextAsync);

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public async Task WatchAsync_ConsumerFallsBehind_EndedWithExpiredWithoutBlockingWriters()
    {
        using var harness = new StoreHarness(new SqliteStoreOptions { WatchBufferSize = 2 });
        var functions = harness.Stores.Functions;
        var list = await functions.ListAsync();
        await using var slow = WatchReader<Function>.Start(functions, null, list.ResourceVersion);
        await using var fast = WatchReader<Function>.Start(functions, null, list.ResourceVersion);

        // Every write completes although the slow watcher reads nothing.
        for (var i = 0; i < 6; i++)
        {
            await functions.CreateAsync(Function("default", "fn-" + i)).WaitAsync(WriteTimeout);
            Assert.Equal("fn-" + i, (await fast.NextAsync()).Object.Metadata.Name);
        }

        var delivered = new List<string>();
        var error = await Assert.ThrowsAsync<StoreException>(async () =>
        {
            for (var i = 0; i < 6; i++)
            {
                delivered.Add((await slow.NextAsync()).Object.Metadata.Name!);
            }
        });

        Assert.Equal(StoreErrorKind.Expired, error.Kind);
        Assert.InRange(delivered.Count, 2, 3);
        Assert.Equal(Enumerable.Range(0, delivered.Count).Select(i => "fn-" + i), delivered);
        Assert.Equal(1, harness.Functions.WatcherCount);
    }

    [Fact]
    public async Task WatchAsync_Cancelled_EndsQuietly()
    {
        using var harness = new StoreHarness();
        var list = await harness.Stores.Functions.ListAsync();
        using var cancellation = new CancellationTokenSource();
        await using var watch = WatchReader<Function>.Start(harness.Stores.Functions, null, list.ResourceVersion, cancellation.Token);
        Assert.Equal(1, harness.Functions.WatcherCount);

        await cancellation.CancelAsync();

        Assert.False(await watch.MoveNextAsync());
        Assert.Equal(0, harness.Functions.WatcherCount);
    }

    [Fact]
    public async Task WatchAsync_CancelledBeforeStart_EndsQuietly()
    {
        using var harness = new StoreHarness();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await using var watch = WatchReader<Function>.Start(harness.Stores.Functions, null, "0", cancellation.Token);

        Assert.False(await watch.MoveNextAsync());
    }

    [Fact]
    public async Task WatchAsync_StoresDisposed_EndsQuietly()
    {
        using var harness = new StoreHarness();
        var list = await harness.Stores.Functions.ListAsync();
        await using var watch = WatchReader<Function>.Start(harness.Stores.Functions, null, list.ResourceVersion);

        harness.Stores.Dispose();

        Assert.False(await watch.MoveNextAsync());
    }
}
