using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Admission;

/// <summary>
/// The double's LimitRanger for pods, held to v1.32's plugin and defaulting: a LimitRange's Container defaults fill a
/// pod's missing requests and limits before the quotas see it (so a quota's "must specify" is met by them), a
/// LimitRange itself is stored defaulted (defaultRequest from default, default from max), and a pod outside min, max
/// or maxLimitRequestRatio is refused 403 in the plugin's words.
/// </summary>
public sealed class LimitRangerAdmissionTests
{
    [Fact]
    public async Task CreatePod_LimitRangeDefaults_FilledAnnotatedAndCountedByTheQuota()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        await client.CoreV1.CreateNamespacedResourceQuotaAsync(
            new V1ResourceQuota
            {
                Metadata = new V1ObjectMeta { Name = "compute" },
                Spec = new V1ResourceQuotaSpec { Hard = new Dictionary<string, ResourceQuantity> { ["requests.cpu"] = new("1"), ["limits.memory"] = new("1Gi") } },
            },
            Namespace);

        // Without a LimitRange the quota refuses a pod that names no resources.
        var before = await RefusedAsync(client, Pod("bare"));
        Assert.Equal("pods \"bare\" is forbidden: failed quota: compute: must specify limits.memory for: app; requests.cpu for: app", before.Message);

        await client.CoreV1.CreateNamespacedLimitRangeAsync(
            LimitRange("defaults", new V1LimitRangeItem
            {
                Type = "Container",
                DefaultProperty = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("256Mi") },
                DefaultRequest = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") },
            }),
            Namespace);

        // Stored defaulted, as the server's SetDefaults_LimitRangeItem: a default limit with no default request gives that request.
        var stored = Assert.Single((await client.CoreV1.ListLimitRangeForAllNamespacesAsync()).Items);
        Assert.Equal(("100m", "256Mi"), (stored.Spec.Limits[0].DefaultRequest["cpu"].ToString(), stored.Spec.Limits[0].DefaultRequest["memory"].ToString()));

        var created = await client.CoreV1.CreateNamespacedPodAsync(Pod("bare"), Namespace);
        var resources = created.Spec.Containers[0].Resources;
        Assert.Equal(
            ("100m", "256Mi", "500m", "256Mi"),
            (resources.Requests["cpu"].ToString(), resources.Requests["memory"].ToString(), resources.Limits["cpu"].ToString(), resources.Limits["memory"].ToString()));
        Assert.Equal("LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app", created.Metadata.Annotations["kubernetes.io/limit-ranger"]);
        Assert.Equal(("100m", "256Mi"), await UsedAsync(client));

        // A limit the pod names makes its own request (the pod's defaulting runs before the plugin's): 300m, not 100m.
        var own = await client.CoreV1.CreateNamespacedPodAsync(Pod("own", limits: new() { ["cpu"] = "300m" }), Namespace);
        Assert.Equal(("300m", "300m", "256Mi"), (own.Spec.Containers[0].Resources.Requests["cpu"].ToString(), own.Spec.Containers[0].Resources.Limits["cpu"].ToString(), own.Spec.Containers[0].Resources.Limits["memory"].ToString()));
        Assert.Equal("LimitRanger plugin set: memory request for container app; memory limit for container app", own.Metadata.Annotations["kubernetes.io/limit-ranger"]);
        Assert.Equal(("400m", "512Mi"), await UsedAsync(client));

        // The quota then judges the defaulted pod: 700m more is over requests.cpu 1.
        var over = await RefusedAsync(client, Pod("big", requests: new() { ["cpu"] = "700m" }, limits: new() { ["cpu"] = "700m" }));
        Assert.Equal("pods \"big\" is forbidden: exceeded quota: compute, requested: requests.cpu=700m, used: requests.cpu=400m, limited: requests.cpu=1", over.Message);

        // A request above the default limit makes the pod invalid (the pod validation runs after the plugin's defaults).
        var invalid = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedPodAsync(Pod("over", requests: new() { ["cpu"] = "600m" }), Namespace));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Response.StatusCode);
        Assert.Equal(
            "Pod \"over\" is invalid: spec.containers[0].resources.requests: Invalid value: \"600m\": must be less than or equal to cpu limit of 500m",
            KubernetesJson.Deserialize<V1Status>(invalid.Response.Content).Message);

        // Another namespace's pods are not this LimitRange's.
        var other = await client.CoreV1.CreateNamespacedPodAsync(Pod("free"), "other");
        Assert.Null(other.Spec.Containers[0].Resources?.Requests);
    }

    [Fact]
    public async Task CreatePod_LimitRangeBounds_Table()
    {
        var cases = new (string Name, V1LimitRangeItem[] Items, Dictionary<string, string>? Requests, Dictionary<string, string>? Limits, string? Refusal)[]
        {
            ("inside min and max", [Container(min: new() { ["cpu"] = "50m" }, max: new() { ["cpu"] = "1" })], new() { ["cpu"] = "100m" }, new() { ["cpu"] = "200m" }, null),
            ("request below min", [Container(min: new() { ["cpu"] = "100m" })], new() { ["cpu"] = "50m" }, null, "minimum cpu usage per Container is 100m, but request is 50m"),
            ("no request against a min: the min is its default request", [Container(min: new() { ["memory"] = "64Mi" })], null, null, null),
            ("limit above max", [Container(max: new() { ["memory"] = "512Mi" })], null, new() { ["memory"] = "1Gi" }, "maximum memory usage per Container is 512Mi, but limit is 1Gi"),
            ("no limit against a max: the max is its default limit", [Container(max: new() { ["cpu"] = "1" })], new() { ["cpu"] = "500m" }, null, null),
            ("ratio above the maximum", [Container(ratio: new() { ["cpu"] = "2" })], new() { ["cpu"] = "100m" }, new() { ["cpu"] = "500m" }, "cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000"),
            ("ratio without a limit", [Container(ratio: new() { ["cpu"] = "2" })], new() { ["cpu"] = "100m" }, null, "cpu max limit to request ratio per Container is 2, but no limit is specified or limit is 0"),
            ("pod max without a limit", [new V1LimitRangeItem { Type = "Pod", Max = Quantities(new() { ["memory"] = "1Gi" }) }], null, null, "maximum memory usage per Pod is 1Gi.  No limit is specified"),
            ("pod min without a request", [new V1LimitRangeItem { Type = "Pod", Min = Quantities(new() { ["cpu"] = "10m" }) }], null, null, "minimum cpu usage per Pod is 10m.  No request is specified"),
            (
                "two errors of one LimitRange: aggregated",
                [Container(min: new() { ["cpu"] = "100m" }), new V1LimitRangeItem { Type = "Pod", Max = Quantities(new() { ["cpu"] = "40m" }) }],
                new() { ["cpu"] = "50m" },
                new() { ["cpu"] = "50m" },
                "[minimum cpu usage per Container is 100m, but request is 50m, maximum cpu usage per Pod is 40m, but limit is 50m]"),
        };
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        var index = 0;
        foreach (var c in cases)
        {
            var ns = $"case-{index++}";
            await client.CoreV1.CreateNamespacedLimitRangeAsync(new V1LimitRange { Metadata = new V1ObjectMeta { Name = "bounds" }, Spec = new V1LimitRangeSpec { Limits = c.Items } }, ns);

            var pod = Pod("p", c.Requests, c.Limits);
            if (c.Refusal is null)
            {
                await client.CoreV1.CreateNamespacedPodAsync(pod, ns);
                continue;
            }

            var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedPodAsync(pod, ns));
            var status = KubernetesJson.Deserialize<V1Status>(refused.Response.Content);
            Assert.True(
                (HttpStatusCode.Forbidden, "Forbidden", $"pods \"p\" is forbidden: {c.Refusal}") == (refused.Response.StatusCode, status.Reason, status.Message),
                $"{c.Name}: {refused.Response.StatusCode} {status.Message}");
        }

        // A Pod item sums the containers (in the first one's format): two of 512Mi are 1Gi, over 768Mi.
        await client.CoreV1.CreateNamespacedLimitRangeAsync(
            LimitRange("pod", new V1LimitRangeItem { Type = "Pod", Max = Quantities(new() { ["memory"] = "768Mi" }) }), "sum");
        var two = Pod("two", limits: new() { ["memory"] = "512Mi" });
        two.Spec.Containers.Add(new V1Container { Name = "side", Image = "side:1", Resources = new V1ResourceRequirements { Limits = Quantities(new() { ["memory"] = "512Mi" }) } });
        var sum = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedPodAsync(two, "sum"));
        Assert.Equal("pods \"two\" is forbidden: maximum memory usage per Pod is 768Mi, but limit is 1Gi", KubernetesJson.Deserialize<V1Status>(sum.Response.Content).Message);
    }

    /// <summary>
    /// The real kubectl (v1.32; --validate=false: the double serves no OpenAPI for built-in kinds): a LimitRange applied,
    /// listed by its short name and described (kubectl's Type/Resource/Min/Max/Default table), and a pod over its
    /// maximum refused with the server's words.
    /// </summary>
    [Kubectl.KubectlFact]
    public async Task Kubectl_ApplyLimitRange_GetDescribeAndThePodOverItsMaxIsForbidden()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var dir = new Serverless.TestSupport.TempDirectory("kubectl-limitrange");
        var kubectl = new Kubectl.KubectlCli(server.WriteKubeconfig(Path.Combine(dir.Path, "config"), "admin", "team"), dir.Path);

        var applied = await kubectl.ApplyAsync("""
            apiVersion: v1
            kind: LimitRange
            metadata:
              name: bounds
            spec:
              limits:
                - type: Container
                  min: {cpu: 50m}
                  max: {cpu: "1"}
                  defaultRequest: {cpu: 100m}
                  default: {cpu: 500m}
            """, "--validate=false");
        var listed = await kubectl.RunAsync("get", "limits");
        var described = await kubectl.RunAsync("describe", "limitrange", "bounds");
        var pod = await kubectl.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: big
            spec:
              containers:
                - name: app
                  image: app:1
                  resources:
                    limits: {cpu: "2"}
            """, "--validate=false");

        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Matches(@"(?m)^bounds\s", listed.StdOut);
        Assert.True(described.ExitCode == 0, described.ToString());
        Assert.Matches(@"Container\s+cpu\s+50m\s+1\s+100m\s+500m", described.StdOut);
        Assert.NotEqual(0, pod.ExitCode);
        Assert.Matches("Error from server \\(Forbidden\\): error when creating \".+\": pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2", pod.StdErr);
    }

    private static V1LimitRange LimitRange(string name, params V1LimitRangeItem[] items) =>
        new() { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1LimitRangeSpec { Limits = items } };

    private static V1LimitRangeItem Container(Dictionary<string, string>? min = null, Dictionary<string, string>? max = null, Dictionary<string, string>? ratio = null) =>
        new() { Type = "Container", Min = Quantities(min), Max = Quantities(max), MaxLimitRequestRatio = Quantities(ratio) };

    private static Dictionary<string, ResourceQuantity>? Quantities(Dictionary<string, string>? values) =>
        values?.ToDictionary(v => v.Key, v => new ResourceQuantity(v.Value));

    private static V1Pod Pod(string name, Dictionary<string, string>? requests = null, Dictionary<string, string>? limits = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "app",
                    Image = "app:1",
                    Resources = requests is null && limits is null ? null : new V1ResourceRequirements { Requests = Quantities(requests), Limits = Quantities(limits) },
                },
            ],
        },
    };

    private static async Task<(string Cpu, string Memory)> UsedAsync(IKubernetes client)
    {
        var used = (await client.CoreV1.ReadNamespacedResourceQuotaAsync("compute", Namespace)).Status.Used;
        return (used["requests.cpu"].ToString(), used["limits.memory"].ToString());
    }

    private static async Task<V1Status> RefusedAsync(IKubernetes client, V1Pod pod)
    {
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedPodAsync(pod, Namespace));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        return KubernetesJson.Deserialize<V1Status>(refused.Response.Content);
    }
}
