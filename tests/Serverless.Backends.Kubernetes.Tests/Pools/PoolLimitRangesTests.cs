using k8s.Models;
using Serverless.Backends.Kubernetes.Pools;

namespace Serverless.Backends.Kubernetes.Tests.Pools;

/// <summary>
/// Issue #21 on Kubernetes: the pool pods as a namespace's LimitRanges make them (their Container defaults fill what the
/// pool options leave unset), and the LimitRange bounds that would refuse them, in the LimitRanger plugin's words.
/// </summary>
public sealed class PoolLimitRangesTests
{
    private const string Ns = "team-a";

    [Fact]
    public void Apply_Effective_Table()
    {
        // Each row: the pool options' requests and limits, the LimitRanges, then the pool pod's effective requests and limits ("cpu=…,memory=…").
        var cases = new (string Name, Dictionary<string, string>? Requests, Dictionary<string, string>? Limits, V1LimitRange[] Ranges, string Expected)[]
        {
            ("no LimitRange, no options: nothing", null, null, [], "requests: ; limits: "),
            ("no LimitRange: the options as given", new() { ["cpu"] = "100m" }, new() { ["memory"] = "256Mi" }, [], "requests: cpu=100m,memory=256Mi; limits: memory=256Mi"),
            ("defaultRequest and default fill unset options", null, null, [Range("d", Container(defaultRequest: new() { ["cpu"] = "250m" }, @default: new() { ["cpu"] = "1", ["memory"] = "512Mi" }))], "requests: cpu=250m,memory=512Mi; limits: cpu=1,memory=512Mi"),
            ("a default limit alone is the default request too", null, null, [Range("d", Container(@default: new() { ["cpu"] = "500m" }))], "requests: cpu=500m; limits: cpu=500m"),
            ("a max alone is the default limit, and so the request", null, null, [Range("d", Container(max: new() { ["memory"] = "1Gi" }))], "requests: memory=1Gi; limits: memory=1Gi"),
            ("a min alone is the default request", null, null, [Range("d", Container(min: new() { ["cpu"] = "50m" }))], "requests: cpu=50m; limits: "),
            ("the options win over the defaults", new() { ["cpu"] = "100m" }, new() { ["cpu"] = "200m" }, [Range("d", Container(defaultRequest: new() { ["cpu"] = "250m" }, @default: new() { ["cpu"] = "1" }))], "requests: cpu=100m; limits: cpu=200m"),
            ("a pool limit without a request is the request, before the LimitRange's defaultRequest", null, new() { ["cpu"] = "300m" }, [Range("d", Container(defaultRequest: new() { ["cpu"] = "100m" }, @default: new() { ["cpu"] = "1" }))], "requests: cpu=300m; limits: cpu=300m"),
            ("two LimitRanges: the first by name fills first", null, null, [Range("b", Container(defaultRequest: new() { ["cpu"] = "200m" })), Range("a", Container(defaultRequest: new() { ["cpu"] = "100m", ["memory"] = "64Mi" }))], "requests: cpu=100m,memory=64Mi; limits: "),
            ("a Pod item gives no defaults", null, new() { ["cpu"] = "1" }, [Range("p", new V1LimitRangeItem { Type = "Pod", Max = Q(new() { ["cpu"] = "2" }), DefaultProperty = Q(new() { ["memory"] = "1Gi" }) })], "requests: cpu=1; limits: cpu=1"),
        };
        foreach (var c in cases)
        {
            var check = PoolLimitRanges.Apply(Template(c.Requests, c.Limits), c.Ranges);

            var resources = check.Effective.Containers[0].Resources;
            Assert.True(c.Expected == $"requests: {Print(resources.Requests)}; limits: {Print(resources.Limits)}", $"{c.Name}: requests: {Print(resources.Requests)}; limits: {Print(resources.Limits)}");
            Assert.True(check.Refusal is null, $"{c.Name}: refused: {check.Refusal}");
        }
    }

    [Fact]
    public void Apply_Refusal_Table()
    {
        // Each row: options, LimitRanges, then the refusal's resource and the text it must carry (the plugin's words and the option to set), or null.
        var cases = new (string Name, Dictionary<string, string>? Requests, Dictionary<string, string>? Limits, V1LimitRange[] Ranges, string? Resource, string? Message)[]
        {
            ("inside min and max: admitted", new() { ["cpu"] = "100m" }, new() { ["cpu"] = "500m" }, [Range("b", Container(min: new() { ["cpu"] = "50m" }, max: new() { ["cpu"] = "1" }))], null, null),
            (
                "request below min",
                new() { ["cpu"] = "20m" }, null, [Range("b", Container(min: new() { ["cpu"] = "50m" }))], "cpu",
                "LimitRange team-a/b refuses the pool's pods: minimum cpu usage per Container is 50m, but request is 20m (set pool-requests-cpu)"),
            (
                "limit above max",
                null, new() { ["memory"] = "2Gi" }, [Range("b", Container(max: new() { ["memory"] = "1Gi" }))], "memory",
                "LimitRange team-a/b refuses the pool's pods: maximum memory usage per Container is 1Gi, but limit is 2Gi (set pool-limits-memory)"),
            (
                "a pool request above the LimitRange's default limit: invalid",
                new() { ["cpu"] = "500m" }, null, [Range("b", Container(@default: new() { ["cpu"] = "200m" }))], "cpu",
                "LimitRange team-a/b refuses the pool's pods: container function requests cpu 500m above its limit 200m, which the API server refuses as invalid (set pool-limits-cpu)"),
            (
                "ratio above the maximum",
                new() { ["cpu"] = "100m" }, new() { ["cpu"] = "1" }, [Range("b", Container(ratio: new() { ["cpu"] = "4" }))], "cpu",
                "LimitRange team-a/b refuses the pool's pods: cpu max limit to request ratio per Container is 4, but provided ratio is 10.000000 (set pool-requests-cpu and pool-limits-cpu)"),
            (
                "a Pod max without a limit",
                null, null, [Range("b", new V1LimitRangeItem { Type = "Pod", Max = Q(new() { ["memory"] = "1Gi" }) })], "memory",
                "LimitRange team-a/b refuses the pool's pods: maximum memory usage per Pod is 1Gi.  No limit is specified (set pool-limits-memory)"),
            (
                "a Pod max met by the Container default",
                null, null, [Range("b", Container(@default: new() { ["memory"] = "512Mi" }), new V1LimitRangeItem { Type = "Pod", Max = Q(new() { ["memory"] = "1Gi" }) })], null, null),
            (
                "ephemeral-storage has no option",
                null, null, [Range("b", new V1LimitRangeItem { Type = "Pod", Min = Q(new() { ["ephemeral-storage"] = "1Gi" }) })], "ephemeral-storage",
                "LimitRange team-a/b refuses the pool's pods: minimum ephemeral-storage usage per Pod is 1Gi.  No request is specified (no pool option sets ephemeral-storage: ask for the LimitRange to change)"),
            (
                "the first LimitRange by name that refuses is named",
                new() { ["cpu"] = "20m" }, null, [Range("z", Container(min: new() { ["cpu"] = "30m" })), Range("a", Container(min: new() { ["cpu"] = "50m" }))], "cpu",
                "LimitRange team-a/a refuses the pool's pods: minimum cpu usage per Container is 50m, but request is 20m (set pool-requests-cpu)"),
        };
        foreach (var c in cases)
        {
            var refusal = PoolLimitRanges.Apply(Template(c.Requests, c.Limits), c.Ranges).Refusal;

            if (c.Message is null)
            {
                Assert.True(refusal is null, $"{c.Name}: {refusal}");
                continue;
            }

            Assert.True(
                refusal is { MaxPods: 0, Refused: true, Reason: PoolQuotaLimit.LimitRangeReason } && refusal.Resource == c.Resource && refusal.Message == c.Message,
                $"{c.Name}: {refusal}");
        }
    }

    /// <summary>
    /// The fix this is for: a cpu quota and a LimitRange defaultRequest, no pool-requests-cpu. Before, the pools got 0
    /// ("must specify requests.cpu") where Kubernetes admits the pods; now the quota bounds them by the defaulted request:
    /// requests.cpu 2, functions 1 cpu, 20% kept → ⌊(1600m − 1000m)/250m⌋ = 2.
    /// </summary>
    [Fact]
    public void Apply_ThenDecide_CpuQuotaWithDefaultRequest_BoundedByTheDefault()
    {
        var template = Template(null, null);
        var quota = new V1ResourceQuota
        {
            Metadata = new V1ObjectMeta { Name = "compute", NamespaceProperty = Ns },
            Spec = new V1ResourceQuotaSpec { Hard = Q(new() { ["requests.cpu"] = "2" }) },
            Status = new V1ResourceQuotaStatus { Hard = Q(new() { ["requests.cpu"] = "2" }), Used = Q(new() { ["requests.cpu"] = "1" }) },
        };
        var without = PoolQuotaBudget.Decide([quota], template, [], 20);

        var check = PoolLimitRanges.Apply(template, [Range("defaults", Container(defaultRequest: new() { ["cpu"] = "250m" }))]);
        var with = PoolQuotaBudget.Decide([quota], check.Effective, [], 20);

        Assert.True(without is { MaxPods: 0, Refused: true }, without.ToString());
        Assert.True(with is { MaxPods: 2, Refused: false, Resource: "requests.cpu" }, with.ToString());
        Assert.Contains("room for 2 pool pods at 250m each", with.Message, StringComparison.Ordinal);
    }

    private static V1PodSpec Template(Dictionary<string, string>? requests, Dictionary<string, string>? limits) =>
        PoolDeploymentBuilder.Build(Ns, "python", "python:1", 1, "{}", requests is null && limits is null ? null : new V1ResourceRequirements { Requests = Q(requests), Limits = Q(limits) }).Spec.Template.Spec;

    private static V1LimitRange Range(string name, params V1LimitRangeItem[] items) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns }, Spec = new V1LimitRangeSpec { Limits = items } };

    private static V1LimitRangeItem Container(
        Dictionary<string, string>? min = null,
        Dictionary<string, string>? max = null,
        Dictionary<string, string>? @default = null,
        Dictionary<string, string>? defaultRequest = null,
        Dictionary<string, string>? ratio = null) =>
        new() { Type = "Container", Min = Q(min), Max = Q(max), DefaultProperty = Q(@default), DefaultRequest = Q(defaultRequest), MaxLimitRequestRatio = Q(ratio) };

    private static Dictionary<string, ResourceQuantity>? Q(Dictionary<string, string>? values) =>
        values?.ToDictionary(v => v.Key, v => new ResourceQuantity(v.Value));

    private static string Print(IDictionary<string, ResourceQuantity>? list) =>
        string.Join(",", (list ?? new Dictionary<string, ResourceQuantity>()).OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value.CanonicalizeString()}"));
}
