using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

public sealed class WatchTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Watch_FromListVersion_StreamsAddedModifiedDeleted()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var list = await client.CoreV1.ListNamespacedConfigMapAsync(Namespace);
        using var cts = new CancellationTokenSource(Bound);
        var events = new List<(WatchEventType, string)>();

        var reading = Task.Run(async () =>
        {
            await foreach (var (type, item) in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token))
            {
                events.Add((type, item.Data?["key"] ?? ""));
                if (type == WatchEventType.Deleted)
                {
                    return;
                }
            }
        });
        await Poll.Until(() => server.OpenWatchCount == 1, cts.Token);
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);
        created.Data["key"] = "2";
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", Namespace);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("a", Namespace);
        await reading.WaitAsync(cts.Token);

        Assert.Equal([(WatchEventType.Added, "1"), (WatchEventType.Modified, "2"), (WatchEventType.Deleted, "2")], events);
    }

    [Fact]
    public async Task Watch_OldVersionAfterCompaction_ReportsGoneInStream()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);
        var old = (await client.CoreV1.ListNamespacedConfigMapAsync(Namespace)).Metadata.ResourceVersion;
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), Namespace);
        server.CompactHistory();
        using var cts = new CancellationTokenSource(Bound);
        Exception? error = null;

        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, resourceVersion: old, onError: e => error = e, cancellationToken: cts.Token))
        {
            Assert.Fail("no event expected before the 410");
        }

        var gone = Assert.IsType<KubernetesException>(error);
        Assert.Equal(410, gone.Status.Code);
    }

    [Fact]
    public async Task List_ExactOldVersionAfterCompaction_Answers410()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);
        var old = (await client.CoreV1.ListNamespacedConfigMapAsync(Namespace)).Metadata.ResourceVersion;
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), Namespace);
        server.CompactHistory();

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.ListNamespacedConfigMapAsync(Namespace, resourceVersion: old, resourceVersionMatch: "Exact"));

        Assert.Equal(HttpStatusCode.Gone, error.Response.StatusCode);
    }

    [Fact]
    public async Task Watch_HistoryLimitExceeded_ReportsGone()
    {
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { HistoryLimit = 2 });
        var client = server.CreateClient();
        var start = server.ResourceVersion.ToString();
        for (var i = 0; i < 3; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"m{i}"), Namespace);
        }

        using var cts = new CancellationTokenSource(Bound);
        Exception? error = null;
        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, resourceVersion: start, onError: e => error = e, cancellationToken: cts.Token))
        {
        }

        Assert.Equal(410, Assert.IsType<KubernetesException>(error).Status.Code);
    }

    [Fact]
    public async Task ExpireWatches_OpenWatch_GetsGoneAndEnds()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        using var cts = new CancellationTokenSource(Bound);
        Exception? error = null;

        var reading = Task.Run(async () =>
        {
            await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, resourceVersion: server.ResourceVersion.ToString(), onError: e => error = e, cancellationToken: cts.Token))
            {
            }
        });
        await Poll.Until(() => server.OpenWatchCount == 1, cts.Token);
        Assert.Equal(1, server.ExpireWatches());
        await reading.WaitAsync(cts.Token);

        Assert.Equal(410, Assert.IsType<KubernetesException>(error).Status.Code);
    }

    [Fact]
    public async Task Watch_AllowBookmarks_ReceivesBookmarkWithCurrentVersion()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "other");
        using var cts = new CancellationTokenSource(Bound);
        var start = server.ResourceVersion.ToString();

        var reading = Task.Run(async () =>
        {
            await foreach (var (type, item) in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, resourceVersion: start, allowWatchBookmarks: true, cancellationToken: cts.Token))
            {
                return (type, item.Metadata.ResourceVersion);
            }

            return default;
        });
        await Poll.Until(() => server.OpenWatchCount == 1, cts.Token);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "other");
        server.SendBookmarks();
        var (eventType, version) = await reading.WaitAsync(cts.Token);

        Assert.Equal(WatchEventType.Bookmark, eventType);
        Assert.Equal(server.ResourceVersion.ToString(), version);
    }

    [Fact]
    public async Task Watch_LabelSelector_TurnsLabelChangesIntoAddedAndDeleted()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var map = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", new Dictionary<string, string> { ["on"] = "no" }), Namespace);
        using var cts = new CancellationTokenSource(Bound);
        var events = new List<WatchEventType>();

        var reading = Task.Run(async () =>
        {
            await foreach (var (type, _) in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, resourceVersion: map.Metadata.ResourceVersion, labelSelector: "on=yes", cancellationToken: cts.Token))
            {
                events.Add(type);
                if (events.Count == 2)
                {
                    return;
                }
            }
        });
        await Poll.Until(() => server.OpenWatchCount == 1, cts.Token);
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"on":"yes"}}}""", V1Patch.PatchType.MergePatch), "a", Namespace);
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"on":"no"}}}""", V1Patch.PatchType.MergePatch), "a", Namespace);
        await reading.WaitAsync(cts.Token);

        Assert.Equal([WatchEventType.Added, WatchEventType.Deleted], events);
    }

    [Fact]
    public async Task Watch_NoVersion_StartsWithSyntheticAdded()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);
        using var cts = new CancellationTokenSource(Bound);

        await foreach (var (type, item) in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, cancellationToken: cts.Token))
        {
            Assert.Equal(WatchEventType.Added, type);
            Assert.Equal("a", item.Metadata.Name);
            return;
        }

        Assert.Fail("the watch ended without events");
    }

    [Fact]
    public async Task Watch_ReaderFallsBehindBufferLimit_EndsWithGone()
    {
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { WatchBufferLimit = 2 });
        var client = server.CreateClient();
        var start = server.ResourceVersion.ToString();
        for (var i = 0; i < 3; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"m{i}"), Namespace);
        }

        using var cts = new CancellationTokenSource(Bound);
        Exception? error = null;
        var seen = 0;
        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, resourceVersion: start, onError: e => error = e, cancellationToken: cts.Token))
        {
            seen++;
        }

        Assert.Equal(2, seen);
        Assert.Equal(410, Assert.IsType<KubernetesException>(error).Status.Code);
    }
}
