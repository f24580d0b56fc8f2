using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Json;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Kubectl;

/// <summary>
/// Issue #19 item 1: the admin API's discovery answers as the real kube-apiserver v1.32 did (the recordings in
/// tests/testassets/kube-recordings), and its OpenAPI is the CRDs' schema (deploy/crds): one source of truth.
/// </summary>
public sealed class DiscoveryTests : IClassFixture<KubectlFixture>
{
    private readonly KubectlFixture _fixture;

    public DiscoveryTests(KubectlFixture fixture)
    {
        _fixture = fixture;
    }

    [Theory]
    [InlineData("apis-serverless.dev-v1alpha1.json", "/apis/serverless.dev/v1alpha1")]
    [InlineData("apis-serverless.dev.json", "/apis/serverless.dev")]
    public async Task GroupDiscovery_AsTheRealServerAnswered(string recording, string path)
    {
        var expected = Recorded(recording);

        var actual = await GetJsonAsync(path, "application/json");

        // TODO(#17): the recording predates the Revision CRD; until it is re-recorded against a v1.32 server with
        // deploy/crds/revisions.yaml applied, the kinds it holds must match exactly and revisions is left out here
        // (AggregatedDiscovery_… checks that it is served).
        if (actual["resources"] is JsonArray served)
        {
            foreach (var revision in served.Where(r => r!["kind"]!.GetValue<string>() == "Revision").ToList())
            {
                served.Remove(revision);
            }
        }

        Assert.True(JsonNode.DeepEquals(expected, actual), $"{path}:\n{actual}\nexpected:\n{expected}");
    }

    [Fact]
    public async Task AggregatedDiscovery_KubectlsAccept_TheV2DocumentWithOurGroup()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "apis");
        request.Headers.Accept.ParseAdd("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json");
        using var response = await _fixture.Admin.SendAsync(request);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", response.Content.Headers.ContentType?.ToString().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("APIGroupDiscoveryList", document["kind"]!.GetValue<string>());
        var group = Assert.Single(document["items"]!.AsArray(), g => g!["metadata"]!["name"]!.GetValue<string>() == "serverless.dev")!;
        var resources = group["versions"]![0]!["resources"]!.AsArray().Select(r => r!["resource"]!.GetValue<string>());
        Assert.Equal(["brokers", "functions", "revisions", "triggers"], resources.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("functions.yaml", "Function")]
    [InlineData("brokers.yaml", "Broker")]
    [InlineData("triggers.yaml", "Trigger")]
    public async Task OpenApiV3_EachKind_SpecIsTheCrdsSchema(string crdFile, string kind)
    {
        var crd = YamlToJson.Convert(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "deploy", "crds", crdFile)))!;
        var crdSpec = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;

        var document = await GetJsonAsync("/openapi/v3/apis/serverless.dev/v1alpha1", "application/json");
        var served = document["components"]!["schemas"]![$"dev.serverless.v1alpha1.{kind}"]!["properties"]!["spec"]!;

        Assert.Equal(PropertyPaths(crdSpec, "spec"), PropertyPaths(served, "spec"));
    }

    [Fact]
    public async Task Version_KubernetesLevel_132()
    {
        var version = await GetJsonAsync("/version", "application/json");

        Assert.Equal(("1", "32"), (version["major"]!.GetValue<string>(), version["minor"]!.GetValue<string>()));
    }

    private async Task<JsonNode> GetJsonAsync(string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        using var response = await _fixture.Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static JsonNode Recorded(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "testassets", "kube-recordings", "discovery", file)))!["body"]!;

    /// <summary>Every property path under a schema with its type: what a schema change in the CRD shows up as.</summary>
    private static List<string> PropertyPaths(JsonNode schema, string at)
    {
        var paths = new List<string> { $"{at}:{schema["type"]?.GetValue<string>()}" };
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                paths.AddRange(PropertyPaths(child!, at + "." + name));
            }
        }

        if (schema["items"] is JsonObject items)
        {
            paths.AddRange(PropertyPaths(items, at + "[]"));
        }

        if (schema["additionalProperties"] is JsonObject values)
        {
            paths.AddRange(PropertyPaths(values, at + "{}"));
        }

        return paths.Order(StringComparer.Ordinal).ToList();
    }
}
