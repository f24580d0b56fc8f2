using k8s;
using k8s.Models;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer.Simulation;
using Serverless.TestSupport;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Simulation;

public sealed class DeploymentSimulatorTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Deployment_Replicas_PodsSliceAndStatusFollow()
    {
        await using var server = await KubeApiDouble.StartAsync();
        server.StartDeploymentSimulator(new DeploymentSimulatorOptions { PortFor = (_, _, _) => 9000 });
        var client = server.CreateClient();
        using var cts = new CancellationTokenSource(Bound);

        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("f", replicas: 3), Namespace);
        await Poll.Until(() => ReadyReplicas(server, "f") == 3, cts.Token);

        var pods = await client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: "app=f");
        var slices = await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(Namespace, labelSelector: "kubernetes.io/service-name=f");
        var slice = Assert.Single(slices.Items);
        Assert.Equal(3, pods.Items.Count);
        Assert.Equal(pods.Items.Select(p => p.Metadata.Name).Order(), slice.Endpoints.Select(e => e.TargetRef.Name).Order());
        Assert.All(slice.Endpoints, e => Assert.True(e.Conditions.Ready));
        Assert.Equal(9000, slice.Ports.Single().Port);
    }

    [Fact]
    public async Task ScaleDown_DeletionCost_RemovesCheapestPods()
    {
        await using var server = await KubeApiDouble.StartAsync();
        server.StartDeploymentSimulator();
        var client = server.CreateClient();
        using var cts = new CancellationTokenSource(Bound);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("f", replicas: 3), Namespace);
        await Poll.Until(() => ReadyReplicas(server, "f") == 3, cts.Token);
        var pods = (await client.CoreV1.ListNamespacedPodAsync(Namespace)).Items.Select(p => p.Metadata.Name).ToList();
        await client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"metadata":{"annotations":{"controller.kubernetes.io/pod-deletion-cost":"100"}}}""", V1Patch.PatchType.MergePatch), pods[1], Namespace);

        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "f", Namespace);
        await Poll.Until(() => ReadyReplicas(server, "f") == 1, cts.Token);

        Assert.Equal([pods[1]], (await client.CoreV1.ListNamespacedPodAsync(Namespace)).Items.Select(p => p.Metadata.Name));
    }

    [Fact]
    public async Task Delete_Deployment_CollectsPodsAndSlices()
    {
        await using var server = await KubeApiDouble.StartAsync();
        server.StartDeploymentSimulator();
        var client = server.CreateClient();
        using var cts = new CancellationTokenSource(Bound);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("f", replicas: 2), Namespace);
        await Poll.Until(() => ReadyReplicas(server, "f") == 2, cts.Token);

        await client.AppsV1.DeleteNamespacedDeploymentAsync("f", Namespace);

        Assert.Empty(server.ListObjects(ResourceTypes.Pods));
        Assert.Empty(server.ListObjects(ResourceTypes.EndpointSlices));
    }

    [Fact]
    public async Task PodRelabelledOutOfSelector_ReleasedAndReplaced_AnotherServiceSelectsIt()
    {
        // As the ReplicaSet controller: a pod whose labels no longer match is released (its controller reference
        // removed) and a replacement starts. As the EndpointSlice controller: the Service "g" selects by labels,
        // so the released pod relabelled app=g is in g's slice beside g's own pods.
        await using var server = await KubeApiDouble.StartAsync();
        server.StartDeploymentSimulator();
        var client = server.CreateClient();
        using var cts = new CancellationTokenSource(Bound);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("pool", replicas: 1), Namespace);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("g", replicas: 1), Namespace);
        await client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = "g" }, Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "g" }, Ports = [new V1ServicePort { Port = 80 }] } },
            Namespace);
        await Poll.Until(() => ReadyReplicas(server, "pool") == 1 && ReadyReplicas(server, "g") == 1, cts.Token);
        var taken = (await client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: "app=pool")).Items.Single().Metadata.Name;

        await client.CoreV1.PatchNamespacedPodAsync(new V1Patch("""{"metadata":{"labels":{"app":"g"}}}""", V1Patch.PatchType.MergePatch), taken, Namespace);

        await Poll.Until(
            () => server.ListObjects(ResourceTypes.Pods, Namespace).Count(p => p["metadata"]?["labels"]?["app"]?.GetValue<string>() == "pool") == 1
                && server.GetObject(ResourceTypes.Pods, Namespace, taken)?["metadata"]?["ownerReferences"] is null
                && SliceEndpoints(server, "g") == 2,
            cts.Token);
        var replacement = (await client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: "app=pool")).Items.Single();
        Assert.NotEqual(taken, replacement.Metadata.Name);
        var gSlice = (await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(Namespace, labelSelector: "kubernetes.io/service-name=g")).Items.SelectMany(x => x.Endpoints).Select(e => e.TargetRef.Name).ToList();
        Assert.Contains(taken, gSlice);
        Assert.DoesNotContain(taken, (await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(Namespace, labelSelector: "kubernetes.io/service-name=pool")).Items.SelectMany(x => x.Endpoints).Select(e => e.TargetRef.Name));
        Assert.Equal(1, ReadyReplicas(server, "g"));

        // Deleted, it leaves g's slice.
        await client.CoreV1.DeleteNamespacedPodAsync(taken, Namespace);
        await Poll.Until(() => SliceEndpoints(server, "g") == 1, cts.Token);
    }

    private static int SliceEndpoints(KubeApiDouble server, string service) =>
        server.ListObjects(ResourceTypes.EndpointSlices, Namespace)
            .Where(s => s["metadata"]?["labels"]?["kubernetes.io/service-name"]?.GetValue<string>() == service)
            .Sum(s => (s["endpoints"] as System.Text.Json.Nodes.JsonArray)?.Count ?? 0);

    [Fact]
    public async Task ReadyDelay_VirtualTime_StatusFollowsOnlyAfterDelay()
    {
        var time = new ManualTimeProvider();
        await using var server = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { TimeProvider = time });
        var simulator = server.StartDeploymentSimulator(new DeploymentSimulatorOptions { ReadyDelay = TimeSpan.FromSeconds(5) });
        using var cts = new CancellationTokenSource(Bound);

        await server.CreateClient().AppsV1.CreateNamespacedDeploymentAsync(Deployment("f", replicas: 2), Namespace);
        time.Advance(TimeSpan.FromSeconds(4));
        var before = ReadyReplicas(server, "f");
        time.Advance(TimeSpan.FromSeconds(1));
        await Poll.Until(() => ReadyReplicas(server, "f") == 2, cts.Token);

        Assert.Equal(0, before);
        Assert.Null(simulator.LastError);
    }

    private static int ReadyReplicas(KubeApiDouble server, string name) =>
        server.GetObject(ResourceTypes.Deployments, Namespace, name)?["status"]?["readyReplicas"]?.GetValue<int>() ?? 0;
}
