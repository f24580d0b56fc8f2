using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Backends.Kubernetes.Workloads;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using Serverless.Core.Serialization;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Backends.Kubernetes.Tests.Workloads;

/// <summary>EnsureAsync's decisions: objects in the caches in, API calls out, with injected failures.</summary>
public sealed class KubernetesWorkloadManagerTests
{
    private static readonly Core.Api.Function Hello = TestFunction("team-a", "hello");

    public static TheoryData<string, string, StoreErrorKind[], string[]> Cases => new()
    {
        { "nothing exists: create both", "none", [], ["create deployment", "create service"] },
        { "both match: no call", "matching", [], [] },
        { "deployment drifted: replace it", "drifted", [], ["replace deployment"] },
        { "cache behind, create finds it: read, then it matches", "none-but-exists", [StoreErrorKind.AlreadyExists], ["create deployment", "get deployment"] },
        { "conflict twice: read and replace again", "drifted", [StoreErrorKind.Conflict, StoreErrorKind.Conflict], ["replace deployment", "get deployment", "replace deployment", "get deployment", "replace deployment"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EnsureAsync_CachedObjects_ExpectedCalls(string label, string world, StoreErrorKind[] failures, string[] expected)
    {
        var api = new FakeWorkloadApi();
        var (deployments, services) = World(world, api);
        var failing = world == "none-but-exists" ? "create deployment" : "replace deployment";
        api.FailNext(failing, failures);
        var manager = await ManagerAsync(api, deployments, services);

        await manager.EnsureAsync(Spec(Hello), replicasIfCreated: 2);

        Assert.True(expected.SequenceEqual(api.Calls), $"{label}: {string.Join(", ", api.Calls)}");
    }

    [Fact]
    public async Task EnsureAsync_ConflictEveryTime_GivesUpForTheQueueToRetry()
    {
        var api = new FakeWorkloadApi();
        var (deployments, services) = World("drifted", api);
        api.FailNext("replace deployment", StoreErrorKind.Conflict, StoreErrorKind.Conflict, StoreErrorKind.Conflict);
        var manager = await ManagerAsync(api, deployments, services);

        var error = await Assert.ThrowsAsync<StoreException>(() => manager.EnsureAsync(Spec(Hello), 1));

        Assert.Equal(StoreErrorKind.Conflict, error.Kind);
        Assert.Equal(KubernetesWorkloadManager.MaxConflictAttempts, api.Calls.Count(c => c == "replace deployment"));
    }

    [Fact]
    public async Task EnsureAsync_ObjectOwnedBySomeoneElse_NotOverwritten()
    {
        var api = new FakeWorkloadApi();
        var foreign = Deployment(Hello);
        foreign.Metadata.OwnerReferences[0].Uid = "another-uid";
        foreign.Spec.Template.Spec.Containers[0].Image = "theirs";
        var manager = await ManagerAsync(api, [foreign], [ServiceBuilder.Build(Hello, Key(Hello))]);

        var error = await Assert.ThrowsAsync<WorkloadNotOwnedException>(() => manager.EnsureAsync(Spec(Hello), 1));

        Assert.Contains("not by this Function", error.Message, StringComparison.Ordinal);
        Assert.Equal(("Deployment", "team-a", "hello"), (error.Kind, error.Namespace, error.Name));
        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task EnsureAsync_UsersServiceOfTheSameName_LeftAloneAndNotOwned()
    {
        // The user's Service "hello" has none of our labels (so no cache sees it) and no ownerReference: the create
        // meets it, the fresh read shows it is not ours, and nothing is written to it.
        var api = new FakeWorkloadApi();
        var users = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "team-a", Uid = "users-uid" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "theirs" } },
        };
        api.Services["hello"] = users;
        api.FailNext("create service", StoreErrorKind.AlreadyExists);
        var manager = await ManagerAsync(api, [Deployment(Hello)], []);

        var error = await Assert.ThrowsAsync<WorkloadNotOwnedException>(() => manager.EnsureAsync(Spec(Hello), 1));

        Assert.Equal(["create service", "get service"], api.Calls);
        Assert.Contains("Service team-a/hello exists and is not owned by this Function", error.Message, StringComparison.Ordinal);
        Assert.Equal("theirs", api.Services["hello"].Spec.Selector["app"]);
        Assert.Null(api.Services["hello"].Metadata.OwnerReferences);
    }

    [Fact]
    public async Task EnsureAsync_LabelledButNotOwned_NeverReplaced()
    {
        // Our labels (copied from a manifest, say) put it in the cache; without the ownerReference it is still not ours.
        var api = new FakeWorkloadApi();
        var lookalike = Deployment(Hello);
        lookalike.Metadata.OwnerReferences = null;
        lookalike.Spec.Template.Spec.Containers[0].Image = "theirs";
        var manager = await ManagerAsync(api, [lookalike], [ServiceBuilder.Build(Hello, Key(Hello))]);

        await Assert.ThrowsAsync<WorkloadNotOwnedException>(() => manager.EnsureAsync(Spec(Hello), 1));
        await manager.DeleteAsync(Key(Hello));

        Assert.Equal(["delete service"], api.Calls);
        Assert.Null(manager.GetStatus(Key(Hello)));
    }

    [Fact]
    public async Task EnsureAsync_CreatesAndUpdates_RecordsEventsOnTheFunction()
    {
        var api = new FakeWorkloadApi();
        var events = new List<string>();
        var (deployments, services) = World("drifted", api);
        var manager = new KubernetesWorkloadManager(
            api, await CachedInformer.OfAsync(deployments), await CachedInformer.OfAsync<V1Service>(), key => Hello, new KubernetesWorkloadOptions(),
            NullLogger.Instance, events: new ListRecorder(events));

        await manager.EnsureAsync(Spec(Hello), 1);

        Assert.Equal(
            ["Normal Updated Function/hello: Updated Deployment team-a/hello to the Function's spec", "Normal Created Function/hello: Created Service team-a/hello"],
            events);
    }

    public static TheoryData<string, (string ConfigMap, int Replicas, int Running)[], string[]> Artifacts => new()
    {
        { "old ReplicaSet scaled to zero: its artifact goes", [("hello-old", 0, 0), ("hello-0123456789", 1, 1)], ["delete configmap hello-old"] },
        { "old pods still terminating: kept", [("hello-old", 0, 1), ("hello-0123456789", 1, 1)], [] },
        { "rollout in progress: kept", [("hello-old", 1, 1), ("hello-0123456789", 1, 0)], [] },
        { "only the current one: nothing", [("hello-0123456789", 1, 1)], [] },
        { "two superseded: both go", [("hello-a", 0, 0), ("hello-b", 0, 0), ("hello-0123456789", 2, 2)], ["delete configmap hello-a", "delete configmap hello-b"] },
    };

    [Theory]
    [MemberData(nameof(Artifacts))]
    public async Task EnsureAsync_ReplicaSets_SupersededArtifactsDeletedOnce(string label, (string ConfigMap, int Replicas, int Running)[] replicaSets, string[] expected)
    {
        var api = new FakeWorkloadApi();
        var (deployments, services) = World("matching", api);
        var sets = replicaSets.Select((r, i) => ReplicaSet($"hello-{i}", r.ConfigMap, r.Replicas, r.Running)).ToArray();
        var manager = new KubernetesWorkloadManager(
            api, await CachedInformer.OfAsync(deployments), await CachedInformer.OfAsync(services), key => Hello, new KubernetesWorkloadOptions(),
            NullLogger.Instance, await CachedInformer.OfAsync(sets));

        await manager.EnsureAsync(Spec(Hello), 1);
        await manager.EnsureAsync(Spec(Hello), 1);

        Assert.True(expected.SequenceEqual(api.Calls), $"{label}: {string.Join(", ", api.Calls)}");
    }

    [Fact]
    public async Task EnsureAsync_DriftedReplace_KeepsTheAutoscalersReplicas()
    {
        var api = new FakeWorkloadApi();
        var (deployments, services) = World("drifted", api);
        var manager = await ManagerAsync(api, deployments, services);

        await manager.EnsureAsync(Spec(Hello), replicasIfCreated: 1);

        Assert.Equal(5, api.Deployments["hello"].Spec.Replicas);
        Assert.Equal("ghcr.io/serverless-dev/runtime-node:0.1.0", api.Deployments["hello"].Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task DeleteAsync_NothingCached_NoCall()
    {
        var api = new FakeWorkloadApi();
        var manager = await ManagerAsync(api, [], []);

        await manager.DeleteAsync(Key(Hello));

        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task StatusChanged_ManagedObjectsChange_RaisedForTheOwnerFunction()
    {
        // Named after another function, but controlled by hello: the ownerReference decides whose it is.
        var deployment = Deployment(Hello);
        deployment.Metadata.Name = "renamed";
        var deployments = new ResourceInformer<V1Deployment>(new StaticListWatch<V1Deployment>(deployment), null, TimeProvider.System, NullLogger.Instance);
        var services = new ResourceInformer<V1Service>(new StaticListWatch<V1Service>(ServiceBuilder.Build(Hello, Key(Hello))), null, TimeProvider.System, NullLogger.Instance);
        var manager = new KubernetesWorkloadManager(new FakeWorkloadApi(), deployments, services, _ => Hello, new KubernetesWorkloadOptions(), NullLogger.Instance);
        var changed = new List<FunctionKey>();
        manager.StatusChanged += key =>
        {
            lock (changed)
            {
                changed.Add(key);
            }
        };

        using var stop = new CancellationTokenSource();
        var runs = new[] { deployments.RunAsync(stop.Token), services.RunAsync(stop.Token) };
        await Task.WhenAll(deployments.WaitForSyncAsync(CancellationToken.None), services.WaitForSyncAsync(CancellationToken.None));
        await stop.CancelAsync();
        await Task.WhenAll(runs);

        Assert.Equal([Key(Hello), Key(Hello)], changed);
    }

    private static (V1Deployment[] Deployments, V1Service[] Services) World(string world, FakeWorkloadApi api)
    {
        var deployment = Deployment(Hello, replicas: 5);
        deployment.Metadata.ResourceVersion = "3";
        var service = ServiceBuilder.Build(Hello, Key(Hello));
        switch (world)
        {
            case "none":
                return ([], []);
            case "none-but-exists":
                api.Deployments["hello"] = deployment;
                return ([], [service]);
            case "drifted":
                deployment.Spec.Template.Spec.Containers[0].Image = "evil:latest";
                api.Deployments["hello"] = ResourceJson.Clone(deployment);
                return ([deployment], [service]);
            default:
                return ([deployment], [service]);
        }
    }

    private static V1ReplicaSet ReplicaSet(string name, string configMap, int replicas, int running) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "team-a",
            Labels = new Dictionary<string, string> { [WorkloadLabels.ManagedBy] = WorkloadLabels.ManagedByValue, [WorkloadLabels.Function] = "hello" },
        },
        Spec = new V1ReplicaSetSpec
        {
            Replicas = replicas,
            Template = new V1PodTemplateSpec
            {
                Spec = new V1PodSpec { Containers = [], Volumes = [new V1Volume { Name = "artifact", ConfigMap = new V1ConfigMapVolumeSource { Name = configMap } }] },
            },
        },
        Status = new V1ReplicaSetStatus { Replicas = running },
    };

    private static async Task<KubernetesWorkloadManager> ManagerAsync(FakeWorkloadApi api, V1Deployment[] deployments, V1Service[] services) =>
        new(
            api,
            await CachedInformer.OfAsync(deployments),
            await CachedInformer.OfAsync(services),
            key => key == Key(Hello) ? Hello : null,
            new KubernetesWorkloadOptions(),
            NullLogger.Instance);

    private sealed class ListRecorder(List<string> events) : IEventRecorder
    {
        public void Record(k8s.IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message) =>
            events.Add($"{type} {reason} {regarding.Kind}/{regarding.Metadata.Name}: {message}");
    }
}
