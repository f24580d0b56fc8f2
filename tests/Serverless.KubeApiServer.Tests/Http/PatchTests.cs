using k8s;
using k8s.Models;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

public sealed class PatchTests
{
    [Theory]
    [InlineData(V1Patch.PatchType.MergePatch, """{"data":{"key":"2","new":"x"}}""")]
    [InlineData(V1Patch.PatchType.StrategicMergePatch, """{"data":{"key":"2","new":"x"}}""")]
    [InlineData(V1Patch.PatchType.JsonPatch, """[{"op":"replace","path":"/data/key","value":"2"},{"op":"add","path":"/data/new","value":"x"}]""")]
    public async Task Patch_Type_AppliesChange(V1Patch.PatchType type, string body)
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);

        var patched = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(body, type), "a", Namespace);

        Assert.Equal("2", patched.Data["key"]);
        Assert.Equal("x", patched.Data["new"]);
    }

    [Fact]
    public async Task Patch_MergeNull_RemovesField()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", new Dictionary<string, string> { ["x"] = "1" }), Namespace);

        var patched = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"x":null}}}""", V1Patch.PatchType.MergePatch), "a", Namespace);

        Assert.True(patched.Metadata.Labels is null || !patched.Metadata.Labels.ContainsKey("x"));
    }

    [Fact]
    public async Task Patch_StaleResourceVersionInBody_Answers409()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);

        var patch = new V1Patch("""{"metadata":{"resourceVersion":"1"},"data":{"key":"2"}}""", V1Patch.PatchType.MergePatch);
        var error = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.CoreV1.PatchNamespacedConfigMapAsync(patch, "a", Namespace));

        Assert.Equal(System.Net.HttpStatusCode.Conflict, error.Response.StatusCode);
    }

    [Fact]
    public async Task ApplyPatch_Missing_CreatesThenMerges()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var body = new V1Patch(KubernetesJson.Serialize(ConfigMap("a")), V1Patch.PatchType.ApplyPatch);

        var created = await client.CoreV1.PatchNamespacedConfigMapAsync(body, "a", Namespace, fieldManager: "test", force: true);
        var second = new V1Patch(KubernetesJson.Serialize(ConfigMap("a", value: "2")), V1Patch.PatchType.ApplyPatch);
        var updated = await client.CoreV1.PatchNamespacedConfigMapAsync(second, "a", Namespace, fieldManager: "test", force: true);

        Assert.Equal("1", created.Data["key"]);
        Assert.Equal("2", updated.Data["key"]);
    }

    [Fact]
    public async Task ApplyPatch_Yaml_Parsed()
    {
        // KubernetesClient only sends JSON bodies; kubectl sends YAML, so this goes over plain HTTP.
        await using var server = await KubeApiDouble.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  key: '7'\n  other: plain\n";
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"api/v1/namespaces/{Namespace}/configmaps/a?fieldManager=kubectl")
        {
            Content = new StringContent(yaml, System.Text.Encoding.UTF8, "application/apply-patch+yaml"),
        };

        using var response = await http.SendAsync(request);
        var created = await server.CreateClient().CoreV1.ReadNamespacedConfigMapAsync("a", Namespace);

        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("7", created.Data["key"]);
        Assert.Equal("plain", created.Data["other"]);
    }

    [Fact]
    public async Task ApplyPatch_NoFieldManager_Answers422()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var body = new V1Patch(KubernetesJson.Serialize(ConfigMap("a")), V1Patch.PatchType.ApplyPatch);

        var error = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => server.CreateClient().CoreV1.PatchNamespacedConfigMapAsync(body, "a", Namespace));

        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
    }
}
