using System.Net;
using System.Text.Json.Nodes;
using k8s;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

/// <summary>Discovery, OpenAPI and the Table and metadata forms of reads (Recordings holds them against the real server's shapes).</summary>
public sealed class DiscoveryAndTableTests
{
    [Fact]
    public async Task Discovery_KubernetesClient_ReadsVersionAndGroups()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();

        var version = await client.Version.GetCodeAsync();
        var groups = await client.Apis.GetAPIVersionsAsync();
        var resources = await client.CustomObjects.GetAPIResourcesAsync("serverless.dev", "v1alpha1");

        Assert.Equal("1", version.Major);
        Assert.Contains(groups.Groups, g => g.Name == "serverless.dev");
        Assert.Contains(resources.Resources, r => r.Name == "functions/scale");
    }

    [Fact]
    public async Task OpenApiV3_Functions_PublishesTheCrdSchemaWithDefaults()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var document = (await api.GetAsync("openapi/v3/apis/serverless.dev/v1alpha1")).Json!;

        var function = document["components"]!["schemas"]!["dev.serverless.v1alpha1.Function"]!;
        Assert.Equal(300, function["properties"]!["spec"]!["properties"]!["timeoutSeconds"]!["default"]!.GetValue<int>());
        Assert.Contains(
            document["paths"]!["/apis/serverless.dev/v1alpha1/namespaces/{namespace}/functions/{name}"]!["patch"]!["parameters"]!.AsArray(),
            p => p!["name"]!.GetValue<string>() == "fieldValidation");
    }

    [Fact]
    public async Task UnknownPath_AnswersPlainTextNotFound()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var response = await api.GetAsync("apis/serverless.dev/v1alpha1/namespaces/default/nosuch");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("404 page not found\n", response.Text);
    }

    [Fact]
    public async Task List_TableAccept_AnswersPrinterColumns()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("t1"));
        await api.PatchAsync(
            RawApi.Functions + "/t1/status",
            JsonNode.Parse("""{"status":{"replicas":1,"url":"http://t1","conditions":[{"type":"Ready","status":"True","reason":"Ready","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}""")!,
            "application/merge-patch+json");

        var table = (await api.GetAsync(RawApi.Functions, "application/json;as=Table;v=v1;g=meta.k8s.io")).Json!;

        Assert.Equal(
            ["Name", "Ready", "Reason", "Replicas", "URL", "Runtime", "Age"],
            table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("t1", cells[0]!.GetValue<string>());
        Assert.Equal("True", cells[1]!.GetValue<string>());
        Assert.Equal(1, cells[3]!.GetValue<int>());
        Assert.Equal("PartialObjectMetadata", table["rows"]![0]!["object"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_OnlyProtobufAccepted_Answers406()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var response = await api.GetAsync(RawApi.Functions, "application/vnd.kubernetes.protobuf");

        Assert.Equal(HttpStatusCode.NotAcceptable, response.Status);
        Assert.Equal("NotAcceptable", response.Reason);
    }

    [Fact]
    public async Task List_YamlAccept_AnswersYaml()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("y1"));

        var response = await api.GetAsync(RawApi.Functions, "application/yaml");

        Assert.StartsWith("apiVersion: serverless.dev/v1alpha1", response.Text, StringComparison.Ordinal);
        Assert.Contains("name: y1", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scale_ZeroReplicas_OmitsSpecReplicas()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("x1"));

        var scale = (await api.GetAsync(RawApi.Functions + "/x1/scale")).Json!;

        Assert.Equal("{}", scale["spec"]!.ToJsonString());
        Assert.Equal("""{"replicas":0}""", scale["status"]!.ToJsonString());
    }
}
