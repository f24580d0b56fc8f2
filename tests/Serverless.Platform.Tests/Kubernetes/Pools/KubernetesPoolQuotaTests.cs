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
using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer;
using Serverless.TestSupport;
using Xunit.Abstractions;

using static Serverless.Platform.Tests.Kubernetes.Pools.PoolNamespaceKit;

namespace Serverless.Platform.Tests.Kubernetes.Pools;

/// <summary>
/// Issue #21 on Kubernetes: warm pools never eat the ResourceQuota the functions need. Against the API double, which
/// enforces pod quotas at creation as the real v1.32 server does (403 "exceeded quota: …") and keeps each quota's
/// status, and its ReplicaSet simulation, which shows a refused pod as the Deployment's ReplicaFailure condition.
/// </summary>
public sealed class KubernetesPoolQuotaTests(ITestOutputHelper output)
{
    /// <summary>
    /// <c>pods: 10</c>, reserve 20 %: with 5 function pods the pool (pool-size 5) gets 3; passes as the quota's
    /// status.used moves with the pool's own pods write nothing; the functions still have the reserve (2 more pods);
    /// the pool then shrinks to what they leave, the quota refuses the functions only at its hard limit, and the pool
    /// grows back when they go.
    /// </summary>
    [Fact]
    public async Task Reconcile_PodsQuota_PoolTakesWhatFunctionsLeaveAboveTheReserve_NoWritesAsUsedMoves()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var user = api.CreateClient("user");
        await CreateQuotaAsync(user, ("pods", "10"));
        for (var i = 0; i < 5; i++)
        {
            await CreateFunctionPodAsync(user, i);
        }

        IReadOnlyDictionary<(string, string), int>? withheld = null;
        var events = new RecordingEvents();
        var pools = Reconciler(client, new KubernetesPoolOptions { Sizes = new Dictionary<string, int> { [RuntimeNames.Python] = 5 } }, events, w => withheld = w);
        Function[] functions = [Function("hello")];

        await pools.ReconcileAsync(functions, CancellationToken.None);

        Assert.Equal(3, await ReplicasAsync(client));
        await Until(async () => await PoolPodCountAsync(client) == 3 && await UsedAsync(client, "pods") == 8, "3 pool pods, quota used 8");
        Assert.Equal((2, 0), (withheld![(RuntimeNames.Python, "quota")], withheld[(RuntimeNames.Python, "rejected")]));
        var limited = Assert.Single(events.Events);
        Assert.Equal(("Deployment", PoolLabels.DeploymentName(RuntimeNames.Python), "Normal", "PoolQuotaLimited"), (limited.Kind, limited.Name, limited.Type, limited.Reason));
        Assert.Contains("ResourceQuota team-a/compute: pods hard 10, functions use 5, 20% kept free: room for 3 pool pods", limited.Message, StringComparison.Ordinal);

        // status.used moved with the pool's own pods (0 → 3): the bound did not, so no pass writes anything.
        api.Audit.Clear();
        for (var i = 0; i < 5; i++)
        {
            await pools.ReconcileAsync(functions, CancellationToken.None);
        }

        Assert.DoesNotContain(api.Audit.For("controller"), r => r.Verb is "create" or "update" or "patch" or "delete");
        Assert.Single(events.Events);

        // The reserve is the functions': two more pods fit with the pool full.
        await CreateFunctionPodAsync(user, 5);
        await CreateFunctionPodAsync(user, 6);

        // The pool gives way to them: functions 7, (8 - 7) = 1.
        await pools.ReconcileAsync(functions, CancellationToken.None);
        Assert.Equal(1, await ReplicasAsync(client));
        await Until(async () => await PoolPodCountAsync(client) == 1 && await UsedAsync(client, "pods") == 8, "1 pool pod, quota used 8");

        // Functions reach the hard limit, and only there does the quota refuse them, as the real server does.
        await CreateFunctionPodAsync(user, 7);
        await CreateFunctionPodAsync(user, 8);
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => CreateFunctionPodAsync(user, 9));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Equal("pods \"fn-9\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=10, limited: pods=10", Status(refused).Message);
        Assert.Equal(("Forbidden", "fn-9", "pods"), (Status(refused).Reason, Status(refused).Details.Name, Status(refused).Details.Kind));

        // Functions go: the pool grows back to what they leave.
        foreach (var i in (int[])[5, 6, 7, 8])
        {
            await user.CoreV1.DeleteNamespacedPodAsync($"fn-{i}", Ns);
        }

        await pools.ReconcileAsync(functions, CancellationToken.None);
        Assert.Equal(3, await ReplicasAsync(client));
        await Until(async () => await PoolPodCountAsync(client) == 3, "the pool back at 3");

        // The quota goes: the pool gets its whole size, and the Event says so.
        // (A delete answers a Status for this kind, which KubernetesClient's typed DeleteNamespacedResourceQuota cannot read.)
        await user.CoreV1.DeleteCollectionNamespacedResourceQuotaAsync(Ns);
        await pools.ReconcileAsync(functions, CancellationToken.None);
        Assert.Equal(5, await ReplicasAsync(client));
        Assert.Equal("PoolQuotaCleared", events.Events[^1].Reason);
    }

    /// <summary>
    /// A quota on requests.cpu refuses pods without a cpu request (403 "failed quota: …: must specify"): a pool without
    /// pool-requests-cpu gets no pods there and says why; with a request, the pool fits under the quota.
    /// </summary>
    [Fact]
    public async Task Reconcile_CpuQuota_PoolWithoutRequestsGetsNone_WithRequestsFits()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var user = api.CreateClient("user");
        await CreateQuotaAsync(user, ("requests.cpu", "1"));
        Function[] functions = [Function("hello")];
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => CreateFunctionPodAsync(user, 0, cpu: null));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Equal("pods \"fn-0\" is forbidden: failed quota: compute: must specify requests.cpu for: app", Status(refused).Message);

        var events = new RecordingEvents();
        IReadOnlyDictionary<(string, string), int>? withheld = null;
        var sizes = new Dictionary<string, int> { [RuntimeNames.Python] = 2 };
        await Reconciler(client, new KubernetesPoolOptions { Sizes = sizes }, events, w => withheld = w).ReconcileAsync(functions, CancellationToken.None);

        Assert.Equal(0, await ReplicasAsync(client));
        Assert.Equal(2, withheld![(RuntimeNames.Python, "quota")]);
        var warning = Assert.Single(events.Events);
        Assert.Equal(("Warning", "PoolQuotaLimited"), (warning.Type, warning.Reason));
        Assert.Contains("constrains requests.cpu, which the pool's pods do not request", warning.Message, StringComparison.Ordinal);
        Assert.Contains("set pool-requests-cpu", warning.Message, StringComparison.Ordinal);

        var resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") } };
        await CreateFunctionPodAsync(user, 1, cpu: "500m");
        var pools = Reconciler(client, new KubernetesPoolOptions { Sizes = sizes, Resources = resources }, events, w => withheld = w);
        await pools.ReconcileAsync(functions, CancellationToken.None);

        Assert.Equal(2, await ReplicasAsync(client));
        await Until(async () => await PoolPodCountAsync(client) == 2 && await UsedAsync(client, "requests.cpu") == 0.7m, "2 pool pods at 100m each, quota used 700m");
        Assert.Equal(0, withheld[(RuntimeNames.Python, "quota")]);
        Assert.Single(events.Events); // the bound (8) does not bind a pool of 2: nothing to report

        // The bound moves (8 pods, now (800m - 600m) / 100m = 2) but does not bind the pool of 2: no Event, no write.
        var seen = events.Events.Count;
        await CreateFunctionPodAsync(user, 2, cpu: "100m");
        api.Audit.Clear();
        await pools.ReconcileAsync(functions, CancellationToken.None);
        Assert.Equal(seen, events.Events.Count);
        Assert.DoesNotContain(api.Audit.For("controller"), r => r.Verb is "create" or "update" or "patch" or "delete");
    }

    /// <summary>
    /// Pods the pool's ReplicaSet cannot create (here the functions took the quota between the pool's sizing and the
    /// ReplicaSet's creates): the Deployment's ReplicaFailure condition is reported once, as a Warning Event with the
    /// API server's message, and the pool is held at the pods it got instead of being asked for more on every pass.
    /// </summary>
    [Fact]
    public async Task Reconcile_PoolPodsRefused_ReplicaFailureReportedOnceAndHeld()
    {
        await using var api = await KubeApiDouble.StartAsync();
        var client = api.CreateClient("controller");
        var user = api.CreateClient("user");
        await CreateQuotaAsync(user, ("pods", "5"));
        var events = new RecordingEvents();
        IReadOnlyDictionary<(string, string), int>? withheld = null;
        var pools = Reconciler(client, new KubernetesPoolOptions { Sizes = new Dictionary<string, int> { [RuntimeNames.Python] = 3 }, QuotaReservePercent = 0 }, events, w => withheld = w);
        Function[] functions = [Function("hello")];
        await pools.ReconcileAsync(functions, CancellationToken.None);
        Assert.Equal(3, await ReplicasAsync(client));

        // Before the ReplicaSet controller runs, the functions take 4 of the 5 pods.
        for (var i = 0; i < 4; i++)
        {
            await CreateFunctionPodAsync(user, i);
        }

        api.StartDeploymentSimulator();
        V1DeploymentCondition? failure = null;
        await Until(
            async () => (failure = (await client.AppsV1.ReadNamespacedDeploymentAsync(PoolLabels.DeploymentName(RuntimeNames.Python), Ns)).Status?.Conditions?.FirstOrDefault(c => c.Type == "ReplicaFailure")) is not null,
            "the pool Deployment's ReplicaFailure condition");
        Assert.Equal(("True", "FailedCreate"), (failure!.Status, failure.Reason));
        Assert.Matches("^pods \"serverless\\.pool-python-[0-9a-f]{10}-[a-z0-9]{5}\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=5, limited: pods=5$", failure.Message);

        // A pass may meet the simulator's status write (409) and leave the resize to the next one, as the controller's would.
        await Until(
            async () =>
            {
                await pools.ReconcileAsync(functions, CancellationToken.None);
                return await ReplicasAsync(client) == 1;
            },
            "the pool held at the 1 pod it got");
        var rejected = Assert.Single(events.Events, e => e.Reason == "PoolPodsRejected");
        Assert.Equal("Warning", rejected.Type);
        Assert.Contains("exceeded quota: compute", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("held at 1 pods for 300 s", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(2, withheld![(RuntimeNames.Python, "quota")] + withheld[(RuntimeNames.Python, "rejected")]);

        // The ReplicaSet creates what it is asked for again: the condition clears; further passes neither write nor report again.
        await Until(
            async () => (await client.AppsV1.ReadNamespacedDeploymentAsync(PoolLabels.DeploymentName(RuntimeNames.Python), Ns)).Status?.Conditions?.Any(c => c.Type == "ReplicaFailure") == false,
            "the ReplicaFailure condition cleared");
        api.Audit.Clear();
        for (var i = 0; i < 3; i++)
        {
            await pools.ReconcileAsync(functions, CancellationToken.None);
        }

        Assert.DoesNotContain(api.Audit.For("controller"), r => r.Verb is "create" or "update" or "patch" or "delete");
        Assert.Single(events.Events, e => e.Reason == "PoolPodsRejected");
    }

    /// <summary>
    /// The real controller process: a quota that appears after its pools are full is seen through its watch and the
    /// pool shrinks to fit, with a <c>PoolQuotaLimited</c> Event on the pool Deployment and
    /// <c>serverless_pool_withheld{runtime="python",reason="quota"}</c> on its metrics.
    /// </summary>
    [Fact]
    public async Task Controller_QuotaAppears_PoolShrinksWithEventAndMetric()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        using var directory = new TempDirectory("pool-quota");
        using var metrics = FreePort.Reserve();
        var metricsPort = metrics.Port;
        await using var controller = KubernetesComponent.Start(
            api.WriteKubeconfig(Path.Combine(directory.Path, "controller.kubeconfig"), "controller"), "controller-0", "controller",
            "--metrics", $"127.0.0.1:{metricsPort}", "--pool-size-python", "3", "--pool-requests-cpu", "100m");
        KubernetesComponent[] all = [controller];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var user = api.CreateClient("user");
            await CreatePythonFunctionAsync(user, "hello");
            var client = api.CreateClient("test");
            await KubernetesComponent.UntilAsync(async () => await PoolPodCountAsync(client) == 3, "the controller's python pool of 3", all);

            // 300m of requests.cpu, 20% kept: room for 2 pool pods at 100m (the function's own pods request none).
            await CreateQuotaAsync(user, ("requests.cpu", "300m"));

            await KubernetesComponent.UntilAsync(async () => await ReplicasAsync(client) == 2, "the pool shrunk to 2 by the quota", all);
            await KubernetesComponent.UntilAsync(
                () => Task.FromResult(api.ListObjects(ResourceTypes.Events, Ns).Any(e =>
                    e["reason"]?.GetValue<string>() == "PoolQuotaLimited" && e["involvedObject"]?["name"]?.GetValue<string>() == PoolLabels.DeploymentName(RuntimeNames.Python)
                    && e["message"]?.GetValue<string>()?.Contains("room for 2 pool pods", StringComparison.Ordinal) == true)),
                "a PoolQuotaLimited Event on the pool Deployment",
                all);
            await KubernetesComponent.UntilAsync(
                async () => (await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics")).Contains("serverless_pool_withheld{runtime=\"python\",reason=\"quota\"} 1", StringComparison.Ordinal),
                "serverless_pool_withheld{runtime=\"python\",reason=\"quota\"} 1",
                all);

            // status.used churns (function pods of 10m come and go, the bound stays 2): the watch brings passes, and
            // they write nothing.
            api.Audit.Clear();
            for (var i = 0; i < 4; i++)
            {
                await CreateFunctionPodAsync(user, 100 + i, cpu: "10m");
                await user.CoreV1.DeleteNamespacedPodAsync($"fn-{100 + i}", Ns);
            }

            await KubernetesComponent.UntilAsync(
                () => Task.FromResult(api.Audit.For("controller").Any(r => r is { Verb: "list", Resource: "deployments" })),
                "a pool pass after the churn",
                all);
            Assert.DoesNotContain(api.Audit.For("controller"), r => r.Resource == "deployments" && r.Verb is "create" or "update" or "patch" or "delete");
            Assert.Equal(2, await ReplicasAsync(client));
            Assert.Equal(0, await controller.StopAsync());
        }
        finally
        {
            output.WriteLine(controller.Output);
        }
    }

    private static V1Status Status(HttpOperationException e) => KubernetesJson.Deserialize<V1Status>(e.Response.Content);
}
