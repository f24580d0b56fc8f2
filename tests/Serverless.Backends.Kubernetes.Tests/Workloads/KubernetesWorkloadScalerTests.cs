using k8s.Models;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Backends.Kubernetes.Workloads;
using Serverless.Core.Contracts;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Backends.Kubernetes.Tests.Workloads;

/// <summary>ScaleAsync's decisions: the cached Deployment and the pods' load in, API calls out, with injected failures.</summary>
public sealed class KubernetesWorkloadScalerTests
{
    private static readonly Core.Api.Function Hello = TestFunction("team-a", "hello");

    /// <summary>Pods a (idle), b (7 in flight), c (2 in flight, marked 5 before), d (idle, marked 3 before).</summary>
    private static readonly (string Name, string? Cost, int InFlight)[] Load = [("a", null, 0), ("b", null, 7), ("c", "5", 2), ("d", "3", 0)];

    public static TheoryData<string, int?, int, string[]> Cases => new()
    {
        { "up: only the scale subresource", 1, 3, ["scale deployment 3"] },
        { "same count: only the scale subresource", 2, 2, ["scale deployment 2"] },
        {
            "down: busiest pods marked first, changed costs only, then scaled",
            4, 1,
            ["list pods", "annotate pod b 7", "annotate pod c 2", "annotate pod d (removed)", "scale deployment 1"]
        },
        { "down to zero: marked too", 4, 0, ["list pods", "annotate pod b 7", "annotate pod c 2", "annotate pod d (removed)", "scale deployment 0"] },
        { "not cached yet: nothing to compare with, no marking", null, 0, ["scale deployment 0"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ScaleAsync_CachedReplicas_ExpectedCalls(string label, int? cachedReplicas, int replicas, string[] expected)
    {
        var (api, activity) = WithPods(Load);
        var scaler = await ScalerAsync(api, activity, cachedReplicas is { } cached ? [Deployment(Hello, cached)] : []);

        await scaler.ScaleAsync(Key(Hello), replicas);

        Assert.True(expected.SequenceEqual(api.Calls), $"{label}: {string.Join(", ", api.Calls)}");
    }

    [Fact]
    public async Task ScaleAsync_PodGoneBeforeItsMark_StillScales()
    {
        var (api, activity) = WithPods(Load);
        api.FailNext("annotate pod b 7", StoreErrorKind.NotFound);
        var scaler = await ScalerAsync(api, activity, [Deployment(Hello, 4)]);

        await scaler.ScaleAsync(Key(Hello), 1);

        Assert.Equal(["list pods", "annotate pod b 7", "annotate pod c 2", "annotate pod d (removed)", "scale deployment 1"], api.Calls);
    }

    [Fact]
    public async Task ScaleAsync_TerminatingPod_NotMarked()
    {
        var (api, activity) = WithPods(("a", null, 0), ("b", null, 7));
        api.Pods[1].Metadata.DeletionTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var scaler = await ScalerAsync(api, activity, [Deployment(Hello, 2)]);

        await scaler.ScaleAsync(Key(Hello), 1);

        Assert.Equal(["list pods", "scale deployment 1"], api.Calls);
    }

    [Fact]
    public async Task ScaleAsync_Negative_Refused()
    {
        var api = new FakeWorkloadApi();
        var scaler = await ScalerAsync(api, new PodActivity([]), [Deployment(Hello, 1)]);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => scaler.ScaleAsync(Key(Hello), -1));

        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task GetStatus_FromTheDeploymentCache_NoCall()
    {
        var api = new FakeWorkloadApi();
        var deployment = Deployment(Hello, 3);
        deployment.Status = new V1DeploymentStatus { Replicas = 3, ReadyReplicas = 2, UpdatedReplicas = 3 };
        var scaler = await ScalerAsync(api, new PodActivity([]), [deployment]);

        var status = scaler.GetStatus(Key(Hello));

        Assert.Equal(new WorkloadStatus { Revision = Spec(Hello).Revision, DesiredReplicas = 3, Replicas = 3, ReadyReplicas = 2 }, status);
        Assert.Null(scaler.GetStatus(new FunctionKey("team-a", "other")));
        Assert.Empty(api.Calls);
    }

    /// <summary>The pods of the function with their current deletion cost; the activity reports their in-flight requests.</summary>
    private static (FakeWorkloadApi Api, PodActivity Activity) WithPods(params (string Name, string? Cost, int InFlight)[] pods)
    {
        var api = new FakeWorkloadApi();
        foreach (var (name, cost, _) in pods)
        {
            api.Pods.Add(new V1Pod
            {
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    NamespaceProperty = "team-a",
                    Labels = WorkloadLabels.For("hello"),
                    Annotations = cost is null ? null : new Dictionary<string, string> { [WorkloadLabels.PodDeletionCost] = cost },
                },
            });
        }

        return (api, new PodActivity(pods.ToDictionary(p => p.Name, p => p.InFlight)));
    }

    private static async Task<KubernetesWorkloadScaler> ScalerAsync(FakeWorkloadApi api, IFunctionActivity activity, V1Deployment[] deployments) =>
        new(api, await CachedInformer.OfAsync(deployments), activity);

    /// <summary>In-flight requests per pod, as the activators' reports would give them.</summary>
    private sealed class PodActivity(Dictionary<string, int> inFlight) : IFunctionActivity
    {
        public int ActiveRequests(FunctionKey key) => inFlight.Values.Sum();

        public int InFlight(FunctionKey key, string instanceId) => inFlight.GetValueOrDefault(instanceId);
    }
}
