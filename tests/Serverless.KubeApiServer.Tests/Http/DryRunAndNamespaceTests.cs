using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using Serverless.Hosting.KubeApi.Resources;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

/// <summary>dryRun=All checks everything and stores nothing; namespaces must exist unless the test asks the double to create them.</summary>
public sealed class DryRunAndNamespaceTests
{
    [Fact]
    public async Task Create_DryRun_AnswersTheObjectWithoutStoringIt()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        var version = server.ResourceVersion;

        var response = await api.PostAsync(RawApi.Functions + "?dryRun=All", Function("x8"));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Null(response.Json!["metadata"]!["resourceVersion"]);
        Assert.Equal(300, response.Json["spec"]!["timeoutSeconds"]!.GetValue<int>());
        Assert.Null(server.GetObject(ResourceTypes.Functions, Namespace, "x8"));
        Assert.Equal(version, server.ResourceVersion);
    }

    [Fact]
    public async Task Create_DryRunInvalid_StillAnswers422()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);

        var response = await api.PostAsync(RawApi.Functions + "?dryRun=All", Function("x8", new JsonObject { ["runtime"] = "ruby" }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
    }

    [Fact]
    public async Task PatchAndDelete_DryRun_ChangeNothing()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("x1"));
        var version = server.ResourceVersion;

        var patched = await api.PatchAsync(RawApi.Functions + "/x1?dryRun=All", JsonNode.Parse("""{"spec":{"timeoutSeconds":5}}""")!, "application/merge-patch+json");
        var deleted = await api.SendAsync(HttpMethod.Delete, RawApi.Functions + "/x1?dryRun=All");

        Assert.Equal(5, patched.Json!["spec"]!["timeoutSeconds"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(300, server.GetObject(ResourceTypes.Functions, Namespace, "x1")!["spec"]!["timeoutSeconds"]!.GetValue<int>());
        Assert.Equal(version, server.ResourceVersion);
    }

    [Fact]
    public async Task Create_MissingNamespaceWithoutAutoCreate_Answers404ForTheNamespace()
    {
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { AutoCreateNamespaces = false });
        var client = server.CreateClient();

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "nosuch"));
        await client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new k8s.Models.V1ObjectMeta { Name = "nosuch" } });
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "nosuch");

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        Assert.Contains("namespaces \\u0022nosuch\\u0022 not found", error.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_MissingNamespaceByDefault_CreatesTheNamespace()
    {
        await using var server = await KubeApiDouble.StartAsync();

        await server.CreateClient().CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "team-x");

        var ns = server.GetObject(ResourceTypes.Namespaces, null, "team-x")!;
        Assert.Equal("Active", ns["status"]!["phase"]!.GetValue<string>());
        Assert.Equal("team-x", ns["metadata"]!["labels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_SystemNamespacesExist()
    {
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { AutoCreateNamespaces = false });

        var names = (await server.CreateClient().CoreV1.ListNamespaceAsync()).Items.Select(n => n.Metadata.Name);

        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], names);
    }
}
