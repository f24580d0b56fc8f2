using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Serverless.Hosting.KubeApi.Resources;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Admission;

/// <summary>
/// The double's ResourceQuota for pods, held to v1.32's admission plugin and quota controller: the 403 messages in
/// the plugin's own format, status.used as the pod evaluator counts (requests defaulted from limits, terminal pods not
/// counted, deletions released at once), and a refused ReplicaSet create shown as the Deployment's ReplicaFailure.
/// </summary>
public sealed class ResourceQuotaAdmissionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CreatePod_QuotaOfItsNamespace_AdmittedCountedOrRefused403()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedResourceQuotaAsync(
            new V1ResourceQuota
            {
                Metadata = new V1ObjectMeta { Name = "compute" },
                Spec = new V1ResourceQuotaSpec { Hard = new Dictionary<string, ResourceQuantity> { ["pods"] = new("2"), ["requests.cpu"] = new("1"), ["limits.memory"] = new("1Gi") } },
            },
            Namespace);
        Assert.Equal(("0", "0", "0"), await UsedAsync(client));
        Assert.Equal("1Gi", (await client.CoreV1.ReadNamespacedResourceQuotaAsync("compute", Namespace)).Status.Hard["limits.memory"].ToString());

        await client.CoreV1.CreateNamespacedPodAsync(Pod("a", requestsCpu: "600m", limitsMemory: "384Mi"), Namespace);
        Assert.Equal(("1", "600m", "384Mi"), await UsedAsync(client));

        var cpu = await RefusedAsync(client, Pod("b", requestsCpu: "500m", limitsMemory: "384Mi"));
        Assert.Equal("pods \"b\" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1", cpu.Message);
        Assert.Equal(("Failure", "Forbidden", 403, "b", "pods"), (cpu.Status, cpu.Reason, cpu.Code, cpu.Details.Name, cpu.Details.Kind));

        var missing = await RefusedAsync(client, Pod("c", requestsCpu: "100m", limitsMemory: null));
        Assert.Equal("pods \"c\" is forbidden: failed quota: compute: must specify limits.memory for: app", missing.Message);

        // A cpu limit without a request: the server defaults the request from it, and the quota counts that.
        await client.CoreV1.CreateNamespacedPodAsync(Pod("d", requestsCpu: null, limitsMemory: "128Mi", limitsCpu: "300m"), Namespace);
        Assert.Equal(("2", "900m", "512Mi"), await UsedAsync(client));

        var pods = await RefusedAsync(client, Pod("e", requestsCpu: "10m", limitsMemory: "1Mi"));
        Assert.Equal("pods \"e\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2", pods.Message);

        // A deleted pod releases its share; a finished one (Succeeded) counts nothing.
        await client.CoreV1.DeleteNamespacedPodAsync("a", Namespace);
        Assert.Equal(("1", "300m", "128Mi"), await UsedAsync(client));
        await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch("""{"status":{"phase":"Succeeded"}}""", V1Patch.PatchType.MergePatch), "d", Namespace);
        Assert.Equal(("0", "0", "0"), await UsedAsync(client));

        // Another namespace is not this quota's.
        await client.CoreV1.CreateNamespacedPodAsync(Pod("free"), "other");
    }

    [Fact]
    public async Task ReplicaSet_PodsRefused_ReplicaFailureUntilTheQuotaAllows()
    {
        await using var server = await KubeApiDouble.StartAsync();
        server.StartDeploymentSimulator(new Serverless.KubeApiServer.Simulation.DeploymentSimulatorOptions { FailedCreateRetry = TimeSpan.FromMilliseconds(200) });
        var client = server.CreateClient();
        using var cts = new CancellationTokenSource(Bound);
        await client.CoreV1.CreateNamespacedResourceQuotaAsync(
            new V1ResourceQuota { Metadata = new V1ObjectMeta { Name = "small" }, Spec = new V1ResourceQuotaSpec { Hard = new Dictionary<string, ResourceQuantity> { ["pods"] = new("2") } } },
            Namespace);

        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("f", replicas: 3), Namespace);

        JsonObject? failure = null;
        await Poll.Until(() => (failure = Condition(server, "ReplicaFailure")) is not null, cts.Token);
        Assert.Equal(("True", "FailedCreate"), (failure!["status"]!.GetValue<string>(), failure["reason"]!.GetValue<string>()));
        Assert.Matches("^pods \"f-[0-9a-f]{10}-[a-z0-9]{5}\" is forbidden: exceeded quota: small, requested: pods=1, used: pods=2, limited: pods=2$", failure["message"]!.GetValue<string>());
        Assert.Equal(2, (await client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: "app=f")).Items.Count);

        // The quota grows: the ReplicaSet's retry creates the third pod and the condition goes.
        await client.CoreV1.PatchNamespacedResourceQuotaAsync(new V1Patch("""{"spec":{"hard":{"pods":"3"}}}""", V1Patch.PatchType.MergePatch), "small", Namespace);
        await Poll.Until(() => Condition(server, "ReplicaFailure") is null && ReadyReplicas(server, "f") == 3, cts.Token);
    }

    /// <summary>
    /// The real kubectl (v1.32; --validate=false: the double serves no OpenAPI for built-in kinds): a quota applied and described (its
    /// Used/Hard table), and a pod over it refused with the server's words.
    /// </summary>
    [Kubectl.KubectlFact]
    public async Task Kubectl_ApplyQuotaAndPods_DescribeShowsUsedAndTheRefusalIsForbidden()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var dir = new Serverless.TestSupport.TempDirectory("kubectl-quota");
        var kubectl = new Kubectl.KubectlCli(server.WriteKubeconfig(Path.Combine(dir.Path, "config"), "admin", "team"), dir.Path);
        const string Pod = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: {0}
            spec:
              containers:
                - name: app
                  image: app:1
                  resources:
                    requests: {{cpu: 300m}}
            """;

        var quota = await kubectl.ApplyAsync("""
            apiVersion: v1
            kind: ResourceQuota
            metadata:
              name: compute
            spec:
              hard: {pods: "5", requests.cpu: 500m}
            """, "--validate=false");
        var first = await kubectl.ApplyAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Pod, "a"), "--validate=false");
        var second = await kubectl.ApplyAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Pod, "b"), "--validate=false");
        var described = await kubectl.RunAsync("describe", "quota", "compute");

        Assert.True(quota.ExitCode == 0 && first.ExitCode == 0, quota + "\n" + first);
        Assert.NotEqual(0, second.ExitCode);
        Assert.Matches("Error from server \\(Forbidden\\): error when creating \".+\": pods \"b\" is forbidden: exceeded quota: compute, requested: requests.cpu=300m, used: requests.cpu=300m, limited: requests.cpu=500m", second.StdErr);
        Assert.True(described.ExitCode == 0, described.ToString());
        Assert.Matches(@"pods\s+1\s+5", described.StdOut);
        Assert.Matches(@"requests\.cpu\s+300m\s+500m", described.StdOut);
    }

    private static JsonObject? Condition(KubeApiDouble server, string type) =>
        (server.GetObject(ResourceTypes.Deployments, Namespace, "f")?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);

    private static int ReadyReplicas(KubeApiDouble server, string name) =>
        server.GetObject(ResourceTypes.Deployments, Namespace, name)?["status"]?["readyReplicas"]?.GetValue<int>() ?? 0;

    private static V1Pod Pod(string name, string? requestsCpu = null, string? limitsMemory = null, string? limitsCpu = null)
    {
        var requests = new Dictionary<string, ResourceQuantity>();
        var limits = new Dictionary<string, ResourceQuantity>();
        if (requestsCpu is not null)
        {
            requests["cpu"] = new(requestsCpu);
        }

        if (limitsMemory is not null)
        {
            limits["memory"] = new(limitsMemory);
        }

        if (limitsCpu is not null)
        {
            limits["cpu"] = new(limitsCpu);
        }

        return new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container { Name = "app", Image = "app:1", Resources = new V1ResourceRequirements { Requests = requests, Limits = limits } }],
            },
        };
    }

    private static async Task<(string Pods, string Cpu, string Memory)> UsedAsync(IKubernetes client)
    {
        var used = (await client.CoreV1.ReadNamespacedResourceQuotaAsync("compute", Namespace)).Status.Used;
        return (used["pods"].ToString(), used["requests.cpu"].ToString(), used["limits.memory"].ToString());
    }

    private static async Task<V1Status> RefusedAsync(IKubernetes client, V1Pod pod)
    {
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedPodAsync(pod, Namespace));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        return KubernetesJson.Deserialize<V1Status>(refused.Response.Content);
    }
}
