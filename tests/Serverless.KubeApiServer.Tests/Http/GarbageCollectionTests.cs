using k8s;
using k8s.Models;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

public sealed class GarbageCollectionTests
{
    [Fact]
    public async Task Delete_Owner_DeletesDependents()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), Namespace);
        var dependent = Deployment("f");
        dependent.Metadata.OwnerReferences = [Reference(owner)];
        await client.AppsV1.CreateNamespacedDeploymentAsync(dependent, Namespace);

        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", Namespace);

        Assert.Empty((await client.AppsV1.ListNamespacedDeploymentAsync(Namespace)).Items);
    }

    [Fact]
    public async Task Delete_OrphanPolicy_KeepsDependentWithoutReference()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), Namespace);
        var dependent = Deployment("f");
        dependent.Metadata.OwnerReferences = [Reference(owner)];
        await client.AppsV1.CreateNamespacedDeploymentAsync(dependent, Namespace);

        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", Namespace, propagationPolicy: "Orphan");
        var kept = await client.AppsV1.ReadNamespacedDeploymentAsync("f", Namespace);

        Assert.True(kept.Metadata.OwnerReferences is null || kept.Metadata.OwnerReferences.Count == 0);
    }

    [Fact]
    public async Task Delete_OneOfTwoOwners_KeepsDependent()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("first"), Namespace);
        var second = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("second"), Namespace);
        var dependent = Deployment("f");
        dependent.Metadata.OwnerReferences = [Reference(first), Reference(second)];
        await client.AppsV1.CreateNamespacedDeploymentAsync(dependent, Namespace);

        await client.CoreV1.DeleteNamespacedConfigMapAsync("first", Namespace);
        var kept = await client.AppsV1.ReadNamespacedDeploymentAsync("f", Namespace);

        Assert.Equal(["second"], kept.Metadata.OwnerReferences.Select(r => r.Name));
    }

    [Fact]
    public async Task CollectGarbage_DependentCreatedAfterItsOwnerWasDeleted_DeletedWithItsOwnDependents()
    {
        // A controller acting on a stale cache creates an object owned by what was just deleted; the real collector
        // finds the owner missing and deletes the dependent (and, in cascade, what it owns).
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), Namespace);
        var unrelated = await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("unrelated"), Namespace);
        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", Namespace);
        var late = Deployment("late");
        late.Metadata.OwnerReferences = [Reference(owner)];
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(late, Namespace);
        var grandchild = ConfigMap("grandchild");
        grandchild.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "late", Uid = created.Metadata.Uid }];
        await client.CoreV1.CreateNamespacedConfigMapAsync(grandchild, Namespace);
        var kept = Deployment("kept");
        kept.Metadata.OwnerReferences = [Reference(owner), Reference(unrelated)];
        await client.AppsV1.CreateNamespacedDeploymentAsync(kept, Namespace);

        server.CollectGarbage();

        Assert.Equal(["kept"], (await client.AppsV1.ListNamespacedDeploymentAsync(Namespace)).Items.Select(d => d.Metadata.Name));
        Assert.Equal(["unrelated"], (await client.CoreV1.ListNamespacedConfigMapAsync(Namespace)).Items.Select(c => c.Metadata.Name));
    }

    private static V1OwnerReference Reference(V1ConfigMap owner) =>
        new() { ApiVersion = "v1", Kind = "ConfigMap", Name = owner.Metadata.Name, Uid = owner.Metadata.Uid, Controller = false };
}
