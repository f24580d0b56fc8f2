using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Kubectl;

/// <summary>
/// Issue #19 item 5: the official KubernetesClient (its generic and custom-object clients) drives the local platform
/// through the kubeconfig of <c>func kubeconfig</c>, as it would a cluster.
/// </summary>
public sealed class KubernetesClientTests : IClassFixture<KubectlFixture>
{
    private const string Group = "serverless.dev";
    private const string Version = "v1alpha1";

    private readonly KubectlFixture _fixture;

    public KubernetesClientTests(KubectlFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task GenericClient_CreateSelectPatchScaleDelete_AsOnACluster()
    {
        using var kubernetes = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_fixture.KubeconfigPath));
        using var functions = new GenericClient(kubernetes, Group, Version, "functions");
        var manifest = Admin.AdminApiTests.DotnetFunction("kc-generic", "DotnetTest::DotnetTest.Handlers::Echo");
        manifest.Metadata.Labels = new Dictionary<string, string> { ["client"] = "kc" };

        var created = await functions.CreateNamespacedAsync(manifest, "default");
        var selected = await kubernetes.CustomObjects.ListNamespacedCustomObjectAsync<JsonElement>(Group, Version, "default", "functions", labelSelector: "client in (kc)");
        var notSelected = await kubernetes.CustomObjects.ListNamespacedCustomObjectAsync<JsonElement>(Group, Version, "default", "functions", labelSelector: "client notin (kc)");
        var merged = await kubernetes.CustomObjects.PatchNamespacedCustomObjectAsync<JsonElement>(
            new V1Patch("{\"metadata\":{\"labels\":{\"patched\":\"merge\"}}}", V1Patch.PatchType.MergePatch), Group, Version, "default", "functions", "kc-generic");
        var jsonPatched = await kubernetes.CustomObjects.PatchNamespacedCustomObjectAsync<JsonElement>(
            new V1Patch("[{\"op\":\"add\",\"path\":\"/spec/timeoutSeconds\",\"value\":45}]", V1Patch.PatchType.JsonPatch), Group, Version, "default", "functions", "kc-generic");
        var scale = await kubernetes.CustomObjects.PatchNamespacedCustomObjectScaleAsync<JsonElement>(
            new V1Patch("{\"spec\":{\"replicas\":3}}", V1Patch.PatchType.MergePatch), Group, Version, "default", "functions", "kc-generic");
        var stored = await functions.ReadNamespacedAsync<Function>("default", "kc-generic");
        await functions.DeleteNamespacedAsync<V1Status>("default", "kc-generic");
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => functions.ReadNamespacedAsync<Function>("default", "kc-generic"));

        Assert.Equal("kc-generic", created.Metadata.Name);
        Assert.Equal(["kc-generic"], selected.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));
        Assert.DoesNotContain("kc-generic", notSelected.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));
        Assert.Equal("merge", merged.GetProperty("metadata").GetProperty("labels").GetProperty("patched").GetString());
        Assert.Equal(45, jsonPatched.GetProperty("spec").GetProperty("timeoutSeconds").GetInt32());
        Assert.Equal(("Scale", 3), (scale.GetProperty("kind").GetString(), scale.GetProperty("spec").GetProperty("replicas").GetInt32()));
        Assert.Equal(3, stored.Spec.Scale?.MinScale);
        Assert.Equal(45, stored.Spec.TimeoutSeconds);
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
    }

    [Fact]
    public async Task CustomObjects_LimitAndContinue_PagesThroughEveryFunctionOnce()
    {
        using var kubernetes = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_fixture.KubeconfigPath));
        using var functions = new GenericClient(kubernetes, Group, Version, "functions");
        foreach (var name in new[] { "kc-page-a", "kc-page-b", "kc-page-c" })
        {
            var function = Admin.AdminApiTests.DotnetFunction(name, "DotnetTest::DotnetTest.Handlers::Echo");
            function.Metadata.Labels = new Dictionary<string, string> { ["page"] = "yes" };
            await functions.CreateNamespacedAsync(function, "default");
        }

        var names = new List<string?>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await kubernetes.CustomObjects.ListNamespacedCustomObjectAsync<JsonElement>(
                Group, Version, "default", "functions", labelSelector: "page", limit: 2, continueParameter: next);
            names.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()));
            next = page.GetProperty("metadata").TryGetProperty("continue", out var token) && token.GetString() is { Length: > 0 } value ? value : null;
            pages++;
        }
        while (next is not null && pages < 5);

        Assert.Equal(2, pages);
        Assert.Equal(["kc-page-a", "kc-page-b", "kc-page-c"], names);
    }
}
