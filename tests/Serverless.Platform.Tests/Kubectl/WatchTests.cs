using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Core.Serialization;

namespace Serverless.Platform.Tests.Kubectl;

/// <summary>Issue #19 item 2: watches with selectors, <c>timeoutSeconds</c>, bookmarks and tables, as the real server streams them.</summary>
public sealed class WatchTests : IClassFixture<KubectlFixture>
{
    private const string Functions = "apis/serverless.dev/v1alpha1/namespaces/default/functions";

    private readonly KubectlFixture _fixture;

    public WatchTests(KubectlFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task Watch_LabelSelector_ObjectLeavingAndReenteringIsDeletedThenAdded()
    {
        await CreateAsync("wt-sel", "wt-sel");

        var events = ReadEventsAsync(Functions + "?watch=true&labelSelector=watch%3Dwt-sel&timeoutSeconds=4");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await LabelAsync("wt-sel", "elsewhere");
        await LabelAsync("wt-sel", "wt-sel");
        var seen = await events;

        // The controller's status writes come as MODIFIED while the object is selected; leaving and coming back are
        // a DELETED and an ADDED for this watcher, though the object was only modified.
        // A status write may follow the last ADDED within the window, so only the events in between are pinned:
        // no MODIFIED reaches this watcher while the object is elsewhere.
        var named = seen.Where(e => e.Name == "wt-sel").ToList();
        Assert.Equal(["ADDED", "DELETED", "ADDED"], named.Where(e => e.Type != "MODIFIED").Select(e => e.Type));
        var deleted = named.FindIndex(e => e.Type == "DELETED");
        Assert.Equal("ADDED", named[deleted + 1].Type);
    }

    [Fact]
    public async Task Watch_TimeoutSecondsWithBookmarks_EndsWithABookmarkNotBehindTheLastEvent()
    {
        await CreateAsync("wt-bm", "wt-bm");

        var started = TimeProvider.System.GetTimestamp();
        var seen = await ReadEventsAsync(Functions + "?watch=true&fieldSelector=metadata.name%3Dwt-bm&timeoutSeconds=1&allowWatchBookmarks=true");
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        Assert.Equal("ADDED", seen[0].Type);
        Assert.Equal(["BOOKMARK"], seen.Where(e => e.Type == "BOOKMARK").Select(e => e.Type));
        Assert.Equal("BOOKMARK", seen[^1].Type);
        // A bookmark carries the version the server has reached, which other objects' writes (the controller's status
        // writes of this class's other Functions) may have moved past this watch's last event: never behind it.
        Assert.True(long.Parse(seen[^1].ResourceVersion!, CultureInfo.InvariantCulture) >= long.Parse(seen[^2].ResourceVersion!, CultureInfo.InvariantCulture), $"bookmark {seen[^1].ResourceVersion} behind the last event {seen[^2].ResourceVersion}");
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Watch_TableAccept_EachEventIsAOneRowTable()
    {
        await CreateAsync("wt-table", "wt-table");
        using var request = new HttpRequestMessage(HttpMethod.Get, Functions + "?watch=true&fieldSelector=metadata.name%3Dwt-table&timeoutSeconds=1");
        request.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");

        using var response = await _fixture.Admin.SendAsync(request);
        var first = JsonNode.Parse((await response.Content.ReadAsStringAsync()).Split('\n')[0])!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("ADDED", "Table"), (first["type"]!.GetValue<string>(), first["object"]!["kind"]!.GetValue<string>()));
        Assert.Equal("wt-table", first["object"]!["rows"]![0]!["cells"]![0]!.GetValue<string>());
        Assert.Equal("Name", first["object"]!["columnDefinitions"]![0]!["name"]!.GetValue<string>());
    }

    private async Task<List<(string Type, string? Name, string? ResourceVersion)>> ReadEventsAsync(string path)
    {
        using var response = await _fixture.Admin.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!)
            .Select(e => (e["type"]!.GetValue<string>(), e["object"]!["metadata"]!["name"]?.GetValue<string>(), e["object"]!["metadata"]!["resourceVersion"]?.GetValue<string>()))
            .ToList();
    }

    private async Task CreateAsync(string name, string watchLabel)
    {
        var function = Serverless.Platform.Tests.Admin.AdminApiTests.DotnetFunction(name, "DotnetTest::DotnetTest.Handlers::Echo");
        function.Metadata.Labels = new Dictionary<string, string> { ["watch"] = watchLabel };
        using var created = await _fixture.Admin.PostAsync(Functions, new StringContent(ResourceJson.Serialize(function), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private async Task LabelAsync(string name, string value)
    {
        using var patched = await _fixture.Admin.PatchAsync(
            Functions + "/" + name, new StringContent($"{{\"metadata\":{{\"labels\":{{\"watch\":\"{value}\"}}}}}}", Encoding.UTF8, "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
    }
}
