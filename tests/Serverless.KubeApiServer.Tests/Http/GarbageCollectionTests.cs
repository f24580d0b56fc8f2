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

    private static V1OwnerReference Reference(V1ConfigMap owner) =>
        new() { ApiVersion = "v1", Kind = "ConfigMap", Name = owner.Metadata.Name, Uid = owner.Metadata.Uid, Controller = false };
}
