using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Serverless.TestSupport;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

/// <summary>
/// Deletion as the real server does it: Foreground and Orphan keep the owner with deletionTimestamp and the garbage
/// collector's finalizer until the collector acts; user finalizers hold the object; no finalizer can join a deletion.
/// </summary>
public sealed class DeletionTests
{
    private static readonly TimeSpan CollectorDelay = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Delete_Foreground_KeepsOwnerWithFinalizerUntilCollected()
    {
        var time = new ManualTimeProvider();
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { TimeProvider = time, GarbageCollectionDelay = CollectorDelay });
        var client = server.CreateClient();
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), Namespace);
        var dependent = Deployment("f");
        dependent.Metadata.OwnerReferences = [Reference(owner, blockOwnerDeletion: true)];
        await client.AppsV1.CreateNamespacedDeploymentAsync(dependent, Namespace);

        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", Namespace, propagationPolicy: "Foreground");
        var marked = await client.CoreV1.ReadNamespacedConfigMapAsync("owner", Namespace);
        time.Advance(CollectorDelay);

        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Equal(["foregroundDeletion"], marked.Metadata.Finalizers);
        Assert.Empty((await client.AppsV1.ListNamespacedDeploymentAsync(Namespace)).Items);
        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync(Namespace)).Items);
    }

    [Fact]
    public async Task Delete_ForegroundWithBlockingDependentFinalizer_WaitsForTheDependent()
    {
        var time = new ManualTimeProvider();
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { TimeProvider = time, GarbageCollectionDelay = CollectorDelay });
        var client = server.CreateClient();
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), Namespace);
        var dependent = ConfigMap("dependent");
        dependent.Metadata.OwnerReferences = [Reference(owner, blockOwnerDeletion: true)];
        dependent.Metadata.Finalizers = ["serverless.dev/hold"];
        await client.CoreV1.CreateNamespacedConfigMapAsync(dependent, Namespace);

        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", Namespace, propagationPolicy: "Foreground");
        time.Advance(CollectorDelay * 3);
        var waiting = await client.CoreV1.ReadNamespacedConfigMapAsync("owner", Namespace);
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "dependent", Namespace);
        time.Advance(CollectorDelay);

        Assert.Equal(["foregroundDeletion"], waiting.Metadata.Finalizers);
        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync(Namespace)).Items);
    }

    [Fact]
    public async Task Delete_Orphan_OrphansDependentsAndKeepsOwnerUntilCollected()
    {
        var time = new ManualTimeProvider();
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { TimeProvider = time, GarbageCollectionDelay = CollectorDelay });
        var client = server.CreateClient();
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), Namespace);
        var dependent = Deployment("f");
        dependent.Metadata.OwnerReferences = [Reference(owner, blockOwnerDeletion: false)];
        await client.AppsV1.CreateNamespacedDeploymentAsync(dependent, Namespace);

        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", Namespace, propagationPolicy: "Orphan");
        var marked = await client.CoreV1.ReadNamespacedConfigMapAsync("owner", Namespace);
        time.Advance(CollectorDelay);

        Assert.Equal(["orphan"], marked.Metadata.Finalizers);
        Assert.Null((await client.AppsV1.ReadNamespacedDeploymentAsync("f", Namespace)).Metadata.OwnerReferences);
        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync(Namespace)).Items);
    }

    [Fact]
    public async Task Delete_Marked_BumpsGenerationAndSetsGracePeriod()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        var body = Function("x7");
        body["metadata"]!["finalizers"] = new JsonArray("serverless.dev/block");
        await api.PostAsync(RawApi.Functions, body);

        var deleted = await api.SendAsync(HttpMethod.Delete, RawApi.Functions + "/x7");

        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(2, deleted.Json!["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal(0, deleted.Json["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(RawApi.Functions + "/x7")).Status);
    }

    [Fact]
    public async Task Patch_NewFinalizerWhileDeleting_Answers422Forbidden()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        var body = Function("x7");
        body["metadata"]!["finalizers"] = new JsonArray("serverless.dev/block");
        await api.PostAsync(RawApi.Functions, body);
        await api.SendAsync(HttpMethod.Delete, RawApi.Functions + "/x7");

        var added = await api.PatchAsync(RawApi.Functions + "/x7", JsonNode.Parse("""{"metadata":{"finalizers":["serverless.dev/block","serverless.dev/other"]}}""")!, "application/merge-patch+json");
        var removed = await api.PatchAsync(RawApi.Functions + "/x7", JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!, "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, added.Status);
        Assert.Equal(["FieldValueForbidden@metadata.finalizers", "FieldValueForbidden@metadata.finalizers"], added.Causes);
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(RawApi.Functions + "/x7")).Status);
    }

    [Fact]
    public async Task Delete_StalePrecondition_Answers409()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("x1"));

        var response = await api.SendAsync(HttpMethod.Delete, RawApi.Functions + "/x1", JsonNode.Parse("""{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"resourceVersion":"1"}}""")!);

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("Function", response.Json!["details"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_UnknownPolicy_Answers422()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        await api.PostAsync(RawApi.Functions, Function("x1"));

        var response = await api.SendAsync(HttpMethod.Delete, RawApi.Functions + "/x1?propagationPolicy=Bogus");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal(["FieldValueNotSupported@propagationPolicy"], response.Causes);
    }

    [Fact]
    public async Task DeleteCollection_Selector_AnswersTheDeletedObjects()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var api = new RawApi(server);
        foreach (var name in (string[])["a", "b", "c"])
        {
            var body = Function(name);
            body["metadata"]!["labels"] = new JsonObject { ["grp"] = name == "c" ? "keep" : "del" };
            await api.PostAsync(RawApi.Functions, body);
        }

        var response = await api.SendAsync(HttpMethod.Delete, RawApi.Functions + "?labelSelector=grp%3Ddel");

        Assert.Equal("FunctionList", response.Json!["kind"]!.GetValue<string>());
        Assert.Equal(["a", "b"], response.Json["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal(["c"], server.ListObjects(ResourceTypes.Functions).Select(f => f["metadata"]!["name"]!.GetValue<string>()));
    }

    private static V1OwnerReference Reference(V1ConfigMap owner, bool blockOwnerDeletion) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        BlockOwnerDeletion = blockOwnerDeletion,
    };
}
