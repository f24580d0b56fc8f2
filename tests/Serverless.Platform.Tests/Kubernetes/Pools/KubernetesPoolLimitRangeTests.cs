using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Kubernetes.Pools;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Api;
using Serverless.KubeApiServer;
using Serverless.TestSupport;

using static Serverless.Platform.Tests.Kubernetes.Pools.PoolNamespaceKit;

namespace Serverless.Platform.Tests.Kubernetes.Pools;

/// <summary>
/// Issue #21 on Kubernetes: warm pools under a namespace's LimitRanges. Against the API double, which applies them to
/// pod creates as v1.32's LimitRanger does (defaults, then min/max/ratio, before the quotas): the pool pods' requests
/// and limits are the pool options filled from the LimitRanges' Container defaults, the quotas bound them as such, and
/// a LimitRange that would refuse them gives the pool 0 pods with a Warning naming it and the option to set.
/// </summary>
public sealed class KubernetesPoolLimitRangeTests
{
    /// <summary>
    /// <c>requests.cpu: 1</c> and a LimitRange with <c>defaultRequest: {cpu: 100m}</c>, no <c>pool-requests-cpu</c>:
    /// Kubernetes admits the pool pods (at 100m each), so the pool (pool-size 5) gets what the quota leaves: functions
    /// 500m, 20 % kept → ⌊(800m − 500m)/100m⌋ = 3 (before, 0: "must specify requests.cpu").
    /// </summary>
    [Fact]
    public async Task Reconcile_CpuQuotaAndLimitRangeDefault_PoolSizedByTheDefaultedRequest()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var user = api.CreateClient("user");
        await user.CoreV1.CreateNamespacedResourceQuotaAsync(
            new V1ResourceQuota { Metadata = new V1ObjectMeta { Name = "compute" }, Spec = new V1ResourceQuotaSpec { Hard = Q(("requests.cpu", "1")) } },
            Ns);
        await CreateLimitRangeAsync(user, new V1LimitRangeItem { Type = "Container", DefaultRequest = Q(("cpu", "100m")), DefaultProperty = Q(("cpu", "200m")) });
        await CreateFunctionPodAsync(user, "fn-0", new V1ResourceRequirements { Requests = Q(("cpu", "500m")), Limits = Q(("cpu", "500m")) });
        var events = new RecordingEvents();
        IReadOnlyDictionary<(string, string), int>? withheld = null;
        var pools = Reconciler(client, new KubernetesPoolOptions { Sizes = new Dictionary<string, int> { [RuntimeNames.Python] = 5 } }, events, w => withheld = w);

        await pools.ReconcileAsync([Function("hello")], CancellationToken.None);

        Assert.Equal(3, await ReplicasAsync(client));
        await Until(async () => (await PoolPodsAsync(client)).Count == 3 && await UsedAsync(client, "requests.cpu") == 0.8m, "3 pool pods at 100m, quota used 800m");
        var pod = (await PoolPodsAsync(client))[0];
        Assert.Equal(("100m", "200m"), (pod.Spec.Containers[0].Resources.Requests["cpu"].ToString(), pod.Spec.Containers[0].Resources.Limits["cpu"].ToString()));
        Assert.Equal((2, 0), (withheld![(RuntimeNames.Python, "quota")], withheld[(RuntimeNames.Python, "limitrange")]));
        var limited = Assert.Single(events.Events);
        Assert.Equal(("Normal", "PoolQuotaLimited"), (limited.Type, limited.Reason));
        Assert.Contains("ResourceQuota team-a/compute: requests.cpu hard 1, functions use 500m, 20% kept free: room for 3 pool pods at 100m each", limited.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A LimitRange whose Container max (256Mi) is below <c>pool-limits-memory</c> (512Mi): the API server would refuse
    /// every pool pod, so the pool gets none, with a Warning that names the LimitRange, its words and the option; when
    /// the LimitRange goes, the pool gets its size and the Event says so.
    /// </summary>
    [Fact]
    public async Task Reconcile_LimitRangeMaxBelowThePoolLimit_NoPodsWarningNamesItAndTheOption()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var user = api.CreateClient("user");
        await CreateLimitRangeAsync(user, new V1LimitRangeItem { Type = "Container", Max = Q(("memory", "256Mi")) });
        var resources = new V1ResourceRequirements { Limits = Q(("memory", "512Mi")) };

        // The server's refusal of such a pod, whoever creates it.
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => CreateFunctionPodAsync(user, "big", resources));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Equal("pods \"big\" is forbidden: maximum memory usage per Container is 256Mi, but limit is 512Mi", KubernetesJson.Deserialize<V1Status>(refused.Response.Content).Message);

        var events = new RecordingEvents();
        IReadOnlyDictionary<(string, string), int>? withheld = null;
        var pools = Reconciler(client, new KubernetesPoolOptions { Sizes = new Dictionary<string, int> { [RuntimeNames.Python] = 2 }, Resources = resources }, events, w => withheld = w);
        Function[] functions = [Function("hello")];

        await pools.ReconcileAsync(functions, CancellationToken.None);

        Assert.Equal(0, await ReplicasAsync(client));
        Assert.Equal((0, 2), (withheld![(RuntimeNames.Python, "quota")], withheld[(RuntimeNames.Python, "limitrange")]));
        var warning = Assert.Single(events.Events);
        Assert.Equal(("Warning", "PoolLimitRangeRefused"), (warning.Type, warning.Reason));
        Assert.Equal(
            "Warm pools of team-a bounded to 0 pods: LimitRange team-a/bounds refuses the pool's pods: maximum memory usage per Container is 256Mi, but limit is 512Mi (set pool-limits-memory)",
            warning.Message);

        // Passes while nothing changes neither write nor report again.
        api.Audit.Clear();
        await pools.ReconcileAsync(functions, CancellationToken.None);
        Assert.Single(events.Events);
        Assert.DoesNotContain(api.Audit.For("controller"), r => r.Verb is "create" or "update" or "patch" or "delete");

        await user.CoreV1.DeleteCollectionNamespacedLimitRangeAsync(Ns);
        await pools.ReconcileAsync(functions, CancellationToken.None);

        Assert.Equal(2, await ReplicasAsync(client));
        await Until(async () => (await PoolPodsAsync(client)).Count == 2, "the pool's 2 pods");
        Assert.Equal(("Normal", "PoolQuotaCleared"), (events.Events[^1].Type, events.Events[^1].Reason));
        Assert.Equal(0, withheld[(RuntimeNames.Python, "limitrange")]);
    }

    /// <summary>
    /// The real controller process: a LimitRange that appears after its pool filled (a Container max below
    /// <c>pool-limits-memory</c>) is seen through its watch; the pool goes to 0 with a <c>PoolLimitRangeRefused</c>
    /// Event on the pool Deployment and <c>serverless_pool_withheld{runtime="python",reason="limitrange"} 2</c>.
    /// </summary>
    [Fact]
    public async Task Controller_LimitRangeAppears_PoolRefusedWithEventAndMetric()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        using var directory = new TempDirectory("pool-limitrange");
        var metricsPort = FreePort.Next();
        await using var controller = KubernetesComponent.Start(
            api.WriteKubeconfig(Path.Combine(directory.Path, "controller.kubeconfig"), "controller"), "controller-0", "controller",
            "--metrics", $"127.0.0.1:{metricsPort}", "--pool-size-python", "2", "--pool-limits-memory", "512Mi");
        KubernetesComponent[] all = [controller];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var user = api.CreateClient("user");
        await CreatePythonFunctionAsync(user, "hello");
        var client = api.CreateClient("test");
        await KubernetesComponent.UntilAsync(async () => (await PoolPodsAsync(client)).Count == 2, "the controller's python pool of 2", all);

        await CreateLimitRangeAsync(user, new V1LimitRangeItem { Type = "Container", Max = Q(("memory", "256Mi")) });

        await KubernetesComponent.UntilAsync(async () => await ReplicasAsync(client) == 0, "the pool at 0 under the LimitRange", all);
        await KubernetesComponent.UntilAsync(
            () => Task.FromResult(api.ListObjects(Hosting.KubeApi.Resources.ResourceTypes.Events, Ns).Any(e =>
                e["reason"]?.GetValue<string>() == "PoolLimitRangeRefused" && e["type"]?.GetValue<string>() == "Warning"
                && e["involvedObject"]?["name"]?.GetValue<string>() == PoolLabels.DeploymentName(RuntimeNames.Python)
                && e["message"]?.GetValue<string>()?.Contains("LimitRange team-a/bounds refuses the pool's pods", StringComparison.Ordinal) == true)),
            "a PoolLimitRangeRefused Event on the pool Deployment",
            all);
        await KubernetesComponent.UntilAsync(
            async () => (await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics")).Contains("serverless_pool_withheld{runtime=\"python\",reason=\"limitrange\"} 2", StringComparison.Ordinal),
            "serverless_pool_withheld{runtime=\"python\",reason=\"limitrange\"} 2",
            all);
        Assert.Equal(0, await controller.StopAsync());
    }

    private static Task CreateLimitRangeAsync(IKubernetes user, V1LimitRangeItem item) =>
        user.CoreV1.CreateNamespacedLimitRangeAsync(new V1LimitRange { Metadata = new V1ObjectMeta { Name = "bounds" }, Spec = new V1LimitRangeSpec { Limits = [item] } }, Ns);
}
