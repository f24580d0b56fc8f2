using System.Text.Json;
using k8s;
using k8s.Models;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

public sealed class SubresourceTests
{
    [Fact]
    public async Task Replace_SpecChange_BumpsGeneration()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("f"), Namespace);

        created.Spec.Template.Spec.Containers[0].Image = "runtime:2";
        var replaced = await client.AppsV1.ReplaceNamespacedDeploymentAsync(created, "f", Namespace);

        Assert.Equal(2, replaced.Metadata.Generation);
    }

    [Fact]
    public async Task Replace_LabelChangeOnly_KeepsGeneration()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("f"), Namespace);

        created.Metadata.Labels["extra"] = "x";
        var replaced = await client.AppsV1.ReplaceNamespacedDeploymentAsync(created, "f", Namespace);

        Assert.Equal(1, replaced.Metadata.Generation);
        Assert.NotEqual(created.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task ReplaceStatus_SpecInBody_IgnoresSpecAndKeepsGeneration()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("f", replicas: 1), Namespace);

        created.Spec.Replicas = 9;
        created.Status = new V1DeploymentStatus { ReadyReplicas = 1 };
        var written = await client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(created, "f", Namespace);

        Assert.Equal(1, written.Spec.Replicas);
        Assert.Equal(1, written.Status.ReadyReplicas);
        Assert.Equal(1, written.Metadata.Generation);
    }

    [Fact]
    public async Task Replace_StatusInBody_IgnoresStatus()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("f"), Namespace);

        created.Status = new V1DeploymentStatus { ReadyReplicas = 5 };
        var written = await client.AppsV1.ReplaceNamespacedDeploymentAsync(created, "f", Namespace);

        Assert.Null(written.Status?.ReadyReplicas);
    }

    [Fact]
    public async Task Scale_ReadAndReplace_MapsToSpecReplicas()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("f", replicas: 2), Namespace);

        var scale = await client.AppsV1.ReadNamespacedDeploymentScaleAsync("f", Namespace);
        scale.Spec.Replicas = 4;
        var written = await client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "f", Namespace);
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync("f", Namespace);

        Assert.Equal("autoscaling/v1", scale.ApiVersion);
        Assert.Equal("app=f", scale.Status.Selector);
        Assert.Equal(4, written.Spec.Replicas);
        Assert.Equal(4, deployment.Spec.Replicas);
        Assert.Equal("runtime:1", deployment.Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task Scale_MergePatch_MapsToSpecReplicas()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("f", replicas: 2), Namespace);

        var patch = new V1Patch("""{"spec":{"replicas":0}}""", V1Patch.PatchType.MergePatch);
        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(patch, "f", Namespace);

        Assert.Equal(0, (await client.AppsV1.ReadNamespacedDeploymentAsync("f", Namespace)).Spec.Replicas);
    }

    [Fact]
    public async Task Scale_StaleResourceVersion_Answers409()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("f", replicas: 2), Namespace);
        var scale = await client.AppsV1.ReadNamespacedDeploymentScaleAsync("f", Namespace);
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch), "f", Namespace);

        scale.Spec.Replicas = 3;
        var error = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "f", Namespace));

        Assert.Equal(System.Net.HttpStatusCode.Conflict, error.Response.StatusCode);
    }

    [Fact]
    public async Task CustomObjectStatus_Patch_ChangesOnlyStatus()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var function = new Dictionary<string, object>
        {
            ["apiVersion"] = "serverless.dev/v1alpha1",
            ["kind"] = "Function",
            ["metadata"] = new Dictionary<string, object> { ["name"] = "hello" },
            ["spec"] = new Dictionary<string, object> { ["runtime"] = "node", ["handler"] = "index.js:handler", ["image"] = "ghcr.io/serverless-dev/hello-node:0.1.0" },
            ["status"] = new Dictionary<string, object> { ["replicas"] = 7 },
        };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(function, "serverless.dev", "v1alpha1", Namespace, "functions");

        var patch = new V1Patch("""{"spec":{"runtime":"python"},"status":{"replicas":2}}""", V1Patch.PatchType.MergePatch);
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, "serverless.dev", "v1alpha1", Namespace, "functions", "hello");
        var stored = (JsonElement)await client.CustomObjects.GetNamespacedCustomObjectAsync("serverless.dev", "v1alpha1", Namespace, "functions", "hello");

        Assert.Equal("node", stored.GetProperty("spec").GetProperty("runtime").GetString());
        Assert.Equal(2, stored.GetProperty("status").GetProperty("replicas").GetInt32());
        Assert.Equal(1, stored.GetProperty("metadata").GetProperty("generation").GetInt64());
    }
}
