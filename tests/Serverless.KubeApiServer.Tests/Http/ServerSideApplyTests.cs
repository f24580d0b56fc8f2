using System.Net;
using k8s;
using System.Text.Json.Nodes;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

/// <summary>managedFields per manager, 409 FieldManagerConflict, force, and Update managers, as the real server keeps them.</summary>
public sealed class ServerSideApplyTests
{
    private const string Apply = "application/apply-patch+yaml";

    private static string Config(int timeout, string image = "ghcr.io/x/y:1") =>
        $"apiVersion: serverless.dev/v1alpha1\nkind: Function\nmetadata:\n  name: s1\nspec:\n  runtime: node\n  handler: index.js:handle\n  image: {image}\n  timeoutSeconds: {timeout}\n";

    [Fact]
    public async Task Apply_Create_ManagerOwnsExactlyItsFields()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var created = await api.PatchAsync(RawApi.Functions + "/s1?fieldManager=mgr1", Config(30), Apply);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var entry = Assert.Single(Entries(created));
        Assert.Equal(("mgr1", "Apply"), (entry["manager"]!.GetValue<string>(), entry["operation"]!.GetValue<string>()));
        Assert.Equal("""{"f:spec":{"f:handler":{},"f:image":{},"f:runtime":{},"f:timeoutSeconds":{}}}""", entry["fieldsV1"]!.ToJsonString());
    }

    [Fact]
    public async Task Apply_SameConfigAgain_IsNoOp()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        var first = await api.PatchAsync(RawApi.Functions + "/s1?fieldManager=mgr1", Config(30), Apply);

        var again = await api.PatchAsync(RawApi.Functions + "/s1?fieldManager=mgr1", Config(30), Apply);

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(Version(first), Version(again));
    }

    [Fact]
    public async Task Apply_OtherManagersField_Answers409WithCause()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PatchAsync(RawApi.Functions + "/s1?fieldManager=mgr1", Config(30), Apply);

        var conflict = await api.PatchAsync(RawApi.Functions + "/s1?fieldManager=mgr2", Config(40), Apply);

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal("Conflict", conflict.Reason);
        Assert.Equal(["FieldManagerConflict@.spec.timeoutSeconds"], conflict.Causes);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"mgr1\": .spec.timeoutSeconds", conflict.Json!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Apply_Force_TakesTheFieldAndSharesEqualOnes()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PatchAsync(RawApi.Functions + "/s1?fieldManager=mgr1", Config(30), Apply);

        var forced = await api.PatchAsync(RawApi.Functions + "/s1?fieldManager=mgr2&force=true", Config(40), Apply);

        Assert.Equal(HttpStatusCode.OK, forced.Status);
        Assert.Equal(40, forced.Json!["spec"]!["timeoutSeconds"]!.GetValue<int>());
        var entries = Entries(forced).ToDictionary(e => e["manager"]!.GetValue<string>(), e => e["fieldsV1"]!["f:spec"]!.AsObject().Select(p => p.Key).ToList());
        Assert.Equal(["f:handler", "f:image", "f:runtime"], entries["mgr1"]);
        Assert.Equal(["f:handler", "f:image", "f:runtime", "f:timeoutSeconds"], entries["mgr2"]);
    }

    [Fact]
    public async Task Apply_FieldDroppedFromConfig_RemovedWhenNobodyElseOwnsIt()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PatchAsync(RawApi.Functions + "/s1?fieldManager=mgr1", Config(30), Apply);

        var applied = await api.PatchAsync(RawApi.Functions + "/s1?fieldManager=mgr1", Config(30).Replace("  timeoutSeconds: 30\n", "", StringComparison.Ordinal), Apply);

        // The field goes, and the schema's default comes back in its place.
        Assert.Equal(300, applied.Json!["spec"]!["timeoutSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Apply_NoFieldManager_Answers422()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var response = await api.PatchAsync(RawApi.Functions + "/s1", Config(30), Apply);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal(["FieldValueRequired@fieldManager"], response.Causes);
    }

    [Fact]
    public async Task Update_ChangedField_MovesToTheUpdatingManager()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PatchAsync(RawApi.Functions + "/s1?fieldManager=mgr1", Config(30), Apply);

        var patched = await api.PatchAsync(RawApi.Functions + "/s1?fieldManager=editor", JsonNode.Parse("""{"spec":{"timeoutSeconds":45}}""")!, "application/merge-patch+json");

        var entries = Entries(patched);
        var editor = entries.Single(e => e["manager"]!.GetValue<string>() == "editor");
        Assert.Equal("Update", editor["operation"]!.GetValue<string>());
        Assert.Equal("""{"f:spec":{"f:timeoutSeconds":{}}}""", editor["fieldsV1"]!.ToJsonString());
        Assert.DoesNotContain("f:timeoutSeconds", entries.Single(e => e["manager"]!.GetValue<string>() == "mgr1")["fieldsV1"]!["f:spec"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Create_WithoutFieldManager_ManagerFromUserAgentOwnsEverythingWithContainers()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var created = await server.CreateClient().CustomObjects.CreateNamespacedCustomObjectAsync(Function("x1"), "serverless.dev", "v1alpha1", Namespace, "functions");
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(created))!;

        var entry = Assert.Single(json["metadata"]!["managedFields"]!.AsArray())!;
        Assert.Equal("Update", entry["operation"]!.GetValue<string>());
        Assert.NotEqual("unknown", entry["manager"]!.GetValue<string>());
        Assert.NotNull(entry["fieldsV1"]!["f:spec"]!["."]);
        Assert.NotNull(entry["fieldsV1"]!["f:spec"]!["f:scale"]!["f:minScale"]);
    }

    [Fact]
    public async Task StatusUpdate_KeepsASeparateStatusEntry()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("x1"));

        var patched = await api.PatchAsync(RawApi.Functions + "/x1/status?fieldManager=ctrl", JsonNode.Parse("""{"status":{"replicas":2}}""")!, "application/merge-patch+json");

        var status = Entries(patched).Single(e => e["subresource"]?.GetValue<string>() == "status");
        Assert.Equal("ctrl", status["manager"]!.GetValue<string>());
        Assert.Equal("""{"f:status":{".":{},"f:replicas":{}}}""", status["fieldsV1"]!.ToJsonString());
    }

    private static List<JsonNode> Entries(RawResponse response) => response.Json!["metadata"]!["managedFields"]!.AsArray().Select(e => e!).ToList();

    private static string Version(RawResponse response) => response.Json!["metadata"]!["resourceVersion"]!.GetValue<string>();
}
