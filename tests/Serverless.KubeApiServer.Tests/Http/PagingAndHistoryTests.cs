using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using Serverless.TestSupport;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

/// <summary>limit and continue, lists at an exact (old) resourceVersion, and 410 once the history is compacted.</summary>
public sealed class PagingAndHistoryTests
{
    [Fact]
    public async Task List_Limit_PagesWithContinueAndRemainingCount()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        foreach (var name in (string[])["c", "a", "b"])
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(name), Namespace);
        }

        var first = await client.CoreV1.ListNamespacedConfigMapAsync(Namespace, limit: 2);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("d"), Namespace);
        var second = await client.CoreV1.ListNamespacedConfigMapAsync(Namespace, limit: 2, continueParameter: first.Metadata.ContinueProperty);

        Assert.Equal(["a", "b"], first.Items.Select(i => i.Metadata.Name));
        Assert.Equal(1, first.Metadata.RemainingItemCount);
        Assert.Equal(["c"], second.Items.Select(i => i.Metadata.Name));
        Assert.True(string.IsNullOrEmpty(second.Metadata.ContinueProperty));
        Assert.Equal(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task List_ContinueAfterCompaction_Answers410Expired()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), Namespace);
        var first = await client.CoreV1.ListNamespacedConfigMapAsync(Namespace, limit: 1);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), Namespace);
        server.CompactHistory();

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.ListNamespacedConfigMapAsync(Namespace, limit: 1, continueParameter: first.Metadata.ContinueProperty));

        Assert.Equal(HttpStatusCode.Gone, error.Response.StatusCode);
        Assert.Contains("\"reason\":\"Expired\"", error.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_GarbageContinue_Answers400()
    {
        await using var server = await KubeApiDouble.StartAsync();

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            server.CreateClient().CoreV1.ListNamespacedConfigMapAsync(Namespace, limit: 1, continueParameter: "garbage"));

        Assert.Equal(HttpStatusCode.BadRequest, error.Response.StatusCode);
    }

    [Fact]
    public async Task List_ExactOldVersion_ReturnsThatState()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);
        var before = (await client.CoreV1.ListNamespacedConfigMapAsync(Namespace)).Metadata.ResourceVersion;
        var changed = await client.CoreV1.ReadNamespacedConfigMapAsync("a", Namespace);
        changed.Data["key"] = "2";
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(changed, "a", Namespace);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), Namespace);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("a", Namespace);

        var old = await client.CoreV1.ListNamespacedConfigMapAsync(Namespace, resourceVersion: before, resourceVersionMatch: "Exact");

        Assert.Equal(before, old.Metadata.ResourceVersion);
        Assert.Equal(["a"], old.Items.Select(i => i.Metadata.Name));
        Assert.Equal("1", old.Items[0].Data["key"]);
    }

    [Fact]
    public async Task List_ResourceVersionNotReached_Answers504()
    {
        await using var server = await KubeApiDouble.StartAsync();

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            server.CreateClient().CoreV1.ListNamespacedConfigMapAsync(Namespace, resourceVersion: "99999999", resourceVersionMatch: "NotOlderThan"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, error.Response.StatusCode);
        Assert.Equal(["1"], error.Response.Headers["Retry-After"]);
    }

    [Fact]
    public async Task List_NoResourceVersionWithMatch_Answers422()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var response = await api.GetAsync(RawApi.Functions + "?resourceVersionMatch=Exact");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal(["FieldValueForbidden@resourceVersionMatch"], response.Causes);
    }

    [Fact]
    public async Task Watch_FromVersionOne_ReportsExpiredBecauseStartupHistoryIsCompacted()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Exception? error = null;

        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, resourceVersion: "1", onError: e => error = e, cancellationToken: cts.Token))
        {
            Assert.Fail("no event expected before the 410: the history is not replayed");
        }

        Assert.Equal(410, Assert.IsType<KubernetesException>(error).Status.Code);
    }

    [Fact]
    public async Task Watch_AllowBookmarks_GetsPeriodicBookmarks()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var interval = TimeSpan.FromMinutes(1);
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { TimeProvider = time, BookmarkInterval = interval });
        var client = server.CreateClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var bookmarks = 0;

        var reading = Task.Run(async () =>
        {
            await foreach (var (type, _) in client.CoreV1.WatchListNamespacedConfigMapAsync(Namespace, resourceVersion: server.ResourceVersion.ToString(), allowWatchBookmarks: true, cancellationToken: cts.Token))
            {
                if (type == WatchEventType.Bookmark && ++bookmarks == 2)
                {
                    return;
                }
            }
        });
        await Poll.Until(() => server.OpenWatchCount == 1, cts.Token);
        time.Advance(interval);
        time.Advance(interval);
        await reading.WaitAsync(cts.Token);

        Assert.Equal(2, bookmarks);
    }

    [Fact]
    public async Task Watch_NoEventsYet_SendsHeadersAtOnce()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        using var response = await http.GetAsync($"api/v1/namespaces/{Namespace}/configmaps?watch=true&resourceVersion={server.ResourceVersion}", HttpCompletionOption.ResponseHeadersRead, cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task List_CustomResource_AlwaysSaysContinue()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var list = await api.GetAsync(RawApi.Functions);

        Assert.Equal("", list.Json!["metadata"]!["continue"]!.GetValue<string>());
        Assert.IsType<JsonArray>(list.Json["items"]);
    }
}
