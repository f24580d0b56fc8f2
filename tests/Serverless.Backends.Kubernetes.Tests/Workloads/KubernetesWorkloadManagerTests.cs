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

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => manager.EnsureAsync(Spec(Hello), 1));

        Assert.Contains("not by this Function", error.Message, StringComparison.Ordinal);
        Assert.Empty(api.Calls);
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

    private static async Task<KubernetesWorkloadManager> ManagerAsync(FakeWorkloadApi api, V1Deployment[] deployments, V1Service[] services) =>
        new(
            api,
            await CachedInformer.OfAsync(deployments),
            await CachedInformer.OfAsync(services),
            key => key == Key(Hello) ? Hello : null,
            new KubernetesWorkloadOptions(),
            NullLogger.Instance);
}
