using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

public sealed class CrudTests
{
    [Fact]
    public async Task Create_NewObject_AssignsServerFields()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();

        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);

        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(Namespace, created.Metadata.NamespaceProperty);
        Assert.Equal(server.ResourceVersion.ToString(), created.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Create_ExistingName_Answers409AlreadyExists()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("AlreadyExists", status.Reason);
        Assert.Equal(409, status.Code);
    }

    [Fact]
    public async Task Get_Missing_Answers404WithStatus()
    {
        await using var server = await KubeApiDouble.StartAsync();

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => server.CreateClient().CoreV1.ReadNamespacedConfigMapAsync("nope", Namespace));

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        Assert.Equal("NotFound", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Reason);
    }

    [Fact]
    public async Task Replace_StaleResourceVersion_Answers409Conflict()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);
        var fresh = await client.CoreV1.ReadNamespacedConfigMapAsync("a", Namespace);
        fresh.Data["key"] = "2";
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(fresh, "a", Namespace);

        first.Data["key"] = "3";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "a", Namespace));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        Assert.Equal("Conflict", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Reason);
        Assert.Equal("2", (await client.CoreV1.ReadNamespacedConfigMapAsync("a", Namespace)).Data["key"]);
    }

    [Fact]
    public async Task Replace_Unchanged_KeepsResourceVersion()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);

        var replaced = await client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", Namespace);

        Assert.Equal(created.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Replace_ImmutableConfigMapData_Answers422()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var map = ConfigMap("a");
        map.Immutable = true;
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(map, Namespace);

        created.Data["key"] = "changed";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", Namespace));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
    }

    [Fact]
    public async Task List_LabelAndFieldSelectors_Filter()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", new Dictionary<string, string> { ["tier"] = "web" }), Namespace);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b", new Dictionary<string, string> { ["tier"] = "db" }), Namespace);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "other");

        var web = await client.CoreV1.ListNamespacedConfigMapAsync(Namespace, labelSelector: "tier in (web)");
        var notDb = await client.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: "tier!=db");
        var byName = await client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: "metadata.name=b");

        Assert.Equal(["a"], web.Items.Select(i => i.Metadata.Name));
        Assert.Equal(["a", "c"], notDb.Items.Select(i => i.Metadata.Name).Order());
        Assert.Equal(["b"], byName.Items.Select(i => i.Metadata.Name));
        Assert.Equal(server.ResourceVersion.ToString(), web.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Delete_WithFinalizer_MarksUntilFinalizerRemoved()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var map = ConfigMap("a");
        map.Metadata.Finalizers = ["serverless.dev/cleanup"];
        await client.CoreV1.CreateNamespacedConfigMapAsync(map, Namespace);

        await client.CoreV1.DeleteNamespacedConfigMapAsync("a", Namespace);
        var marked = await client.CoreV1.ReadNamespacedConfigMapAsync("a", Namespace);
        marked.Metadata.Finalizers = [];
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(marked, "a", Namespace);

        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync(Namespace)).Items);
    }

    [Fact]
    public async Task Request_UnknownResource_Answers404()
    {
        await using var server = await KubeApiDouble.StartAsync();

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => server.CreateClient().CoreV1.ListNamespacedPersistentVolumeClaimAsync(Namespace));

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }
}
