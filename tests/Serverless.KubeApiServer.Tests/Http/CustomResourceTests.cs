using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

public sealed class CustomResourceTests
{
    private static Dictionary<string, object> Function(string name, string? resourceVersion = null) => new()
    {
        ["apiVersion"] = "serverless.dev/v1alpha1",
        ["kind"] = "Function",
        ["metadata"] = resourceVersion is null
            ? new Dictionary<string, object> { ["name"] = name }
            : new Dictionary<string, object> { ["name"] = name, ["resourceVersion"] = resourceVersion },
        ["spec"] = new Dictionary<string, object>
        {
            ["runtime"] = "node",
            ["image"] = "ghcr.io/serverless-dev/hello-node:0.1.0",
            ["scale"] = new Dictionary<string, object> { ["minScale"] = 1 },
        },
    };

    [Fact]
    public async Task Replace_CustomResourceWithoutResourceVersion_Answers422()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(Function("hello"), "serverless.dev", "v1alpha1", Namespace, "functions");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CustomObjects.ReplaceNamespacedCustomObjectAsync(Function("hello"), "serverless.dev", "v1alpha1", Namespace, "functions", "hello"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains("must be specified for an update", error.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scale_Function_MapsToMinScaleAndStatusReplicas()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(Function("hello"), "serverless.dev", "v1alpha1", Namespace, "functions");
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "serverless.dev", "v1alpha1", Namespace, "functions", "hello");

        var scale = (JsonElement)await client.CustomObjects.GetNamespacedCustomObjectScaleAsync("serverless.dev", "v1alpha1", Namespace, "functions", "hello");
        await client.CustomObjects.PatchNamespacedCustomObjectScaleAsync(
            new V1Patch("""{"spec":{"replicas":2}}""", V1Patch.PatchType.MergePatch), "serverless.dev", "v1alpha1", Namespace, "functions", "hello");
        var stored = (JsonElement)await client.CustomObjects.GetNamespacedCustomObjectAsync("serverless.dev", "v1alpha1", Namespace, "functions", "hello");

        Assert.Equal(1, scale.GetProperty("spec").GetProperty("replicas").GetInt32());
        Assert.Equal(3, scale.GetProperty("status").GetProperty("replicas").GetInt32());
        Assert.Equal(2, stored.GetProperty("spec").GetProperty("scale").GetProperty("minScale").GetInt32());
    }

    [Fact]
    public async Task PodLog_SetText_ReturnedAsPlainText()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { GenerateName = "hello-" } }, Namespace);
        var pod = (await client.CoreV1.ListNamespacedPodAsync(Namespace)).Items.Single().Metadata.Name;
        server.SetPodLog(Namespace, pod, "line 1\nline 2\n");

        using var log = await client.CoreV1.ReadNamespacedPodLogAsync(pod, Namespace);
        var text = await new StreamReader(log).ReadToEndAsync();

        Assert.StartsWith("hello-", pod, StringComparison.Ordinal);
        Assert.Equal("line 1\nline 2\n", text);
    }
}
