using k8s.Models;
using Serverless.Backends.Kubernetes.Pools;

namespace Serverless.Backends.Kubernetes.Tests.Pools;

/// <summary>
/// Issue #21 on Kubernetes: warm pools sized under each namespace's ResourceQuotas, with the functions' use taken first
/// and the last pool-quota-reserve percent never taken.
/// </summary>
public sealed class PoolQuotaBudgetTests
{
    private const string Ns = "team-a";

    [Fact]
    public void Decide_Table()
    {
        var none = Template(null);
        var cpu100m = Template(new() { ["cpu"] = "100m", ["memory"] = "128Mi" });
        var cases = new (string Name, V1ResourceQuota[] Quotas, V1PodSpec Template, int PoolPods, int Reserve, int? Expected, string? Resource, bool Refused)[]
        {
            ("no quota: no bound", [], none, 0, 20, null, null, false),
            ("a quota without pod resources: no bound", [Quota("objects", ("services", "10", "3"))], none, 0, 20, null, null, false),
            ("pods 10, 5 function pods, 20% kept: 3", [Quota("compute", ("pods", "10", "5"))], none, 0, 20, 3, "pods", false),
            ("the pool's own 2 pods are not the functions' (used 7)", [Quota("compute", ("pods", "10", "7"))], none, 2, 20, 3, "pods", false),
            ("count/pods counts as pods", [Quota("compute", ("count/pods", "10", "5"))], none, 0, 20, 3, "count/pods", false),
            ("reserve 0: all that the functions leave", [Quota("compute", ("pods", "10", "5"))], none, 0, 0, 5, "pods", false),
            ("functions at the reserve: none", [Quota("compute", ("pods", "10", "8"))], none, 0, 20, 0, "pods", false),
            ("functions inside the reserve: none, never negative", [Quota("compute", ("pods", "10", "10"))], none, 0, 20, 0, "pods", false),
            ("pods 1: 80% of one pod is no pod", [Quota("compute", ("pods", "1", "0"))], none, 0, 20, 0, "pods", false),
            ("requests.cpu 2, functions 1200m, 100m each: 4", [Quota("compute", ("requests.cpu", "2", "1200m"))], cpu100m, 0, 20, 4, "requests.cpu", false),
            ("the smallest bound wins across resources", [Quota("compute", ("pods", "20", "2"), ("requests.cpu", "2", "1200m"))], cpu100m, 0, 20, 4, "requests.cpu", false),
            ("the smallest bound wins across quotas", [Quota("a", ("pods", "20", "2")), Quota("b", ("pods", "5", "2"))], cpu100m, 0, 20, 2, "pods", false),
            ("memory in Mi: 1Gi, functions 512Mi, 128Mi each, 0% kept: 4", [Quota("mem", ("requests.memory", "1Gi", "512Mi"))], cpu100m, 0, 0, 4, "requests.memory", false),
            ("a quota on cpu and pool pods without requests: refused", [Quota("compute", ("requests.cpu", "2", "0"))], none, 0, 20, 0, "requests.cpu", true),
            ("limits.memory without pool limits: refused", [Quota("compute", ("limits.memory", "2Gi", "0"))], cpu100m, 0, 20, 0, "limits.memory", true),
            ("no status.used yet: refused", [Quota("compute", ("pods", "10", null))], none, 0, 20, 0, "pods", true),
            ("a BestEffort quota does not count pods with requests", [Quota("be", ["BestEffort"], ("pods", "1", "1"))], cpu100m, 0, 20, null, null, false),
            ("a NotBestEffort quota does", [Quota("nbe", ["NotBestEffort"], ("pods", "10", "5"))], cpu100m, 0, 20, 3, "pods", false),
        };
        foreach (var c in cases)
        {
            var pods = Enumerable.Range(0, c.PoolPods).Select(_ => new V1Pod { Spec = c.Template, Status = new V1PodStatus { Phase = "Running" } }).ToList();

            var limit = PoolQuotaBudget.Decide(c.Quotas, c.Template, pods, c.Reserve);

            Assert.True((c.Expected, c.Resource, c.Refused) == (limit.MaxPods, limit.Resource, limit.Refused), $"{c.Name}: {limit}");
        }
    }

    /// <summary>
    /// Why sizing does not loop: the pool's own pods move <c>status.used</c> by exactly what they use, so the bound is
    /// the same with 0 to 6 pool pods present (running, terminating, or finished, which count nothing).
    /// </summary>
    [Fact]
    public void Decide_PoolPodsComeAndGo_BoundUnchanged()
    {
        var template = Template(new() { ["cpu"] = "250m", ["memory"] = "64Mi" });
        foreach (var phase in (string[])["Running", "Pending"])
        {
            for (var poolPods = 0; poolPods <= 6; poolPods++)
            {
                var pods = Enumerable.Range(0, poolPods)
                    .Select(i => new V1Pod { Metadata = new V1ObjectMeta { DeletionTimestamp = i % 2 == 0 ? DateTime.UtcNow : null }, Spec = template, Status = new V1PodStatus { Phase = phase } })
                    .Append(new V1Pod { Spec = template, Status = new V1PodStatus { Phase = "Succeeded" } })
                    .ToList();
                var quota = Quota("compute", ("pods", "20", (4 + poolPods).ToString(System.Globalization.CultureInfo.InvariantCulture)), ("requests.cpu", "4", $"{1000 + (250 * poolPods)}m"));

                var limit = PoolQuotaBudget.Decide([quota], template, pods, 20);

                // cpu: (3200m - 1000m) / 250m = 8.8 -> 8; pods: 16 - 4 = 12.
                Assert.True(limit is { MaxPods: 8, Resource: "requests.cpu" }, $"{phase}, {poolPods} pool pods: {limit}");
            }
        }
    }

    [Fact]
    public void Settle_Table()
    {
        var now = new DateTimeOffset(2026, 12, 7, 11, 0, 0, TimeSpan.Zero);
        var settle = TimeSpan.FromSeconds(10);
        var cases = new (string Name, int? Wanted, int Live, DateTimeOffset? ShrunkAt, int? Expected)[]
        {
            ("no bound", null, 3, now, null),
            ("a smaller bound applies at once", 1, 3, now, 1),
            ("a larger bound, never shrunk: at once", 5, 3, null, 5),
            ("a larger bound right after a shrink: held", 5, 3, now - TimeSpan.FromSeconds(2), 3),
            ("a larger bound once settled", 5, 3, now - settle, 5),
            ("the same bound", 3, 3, now, 3),
        };
        foreach (var c in cases)
        {
            Assert.True(c.Expected == PoolQuotaBudget.Settle(c.Wanted, c.Live, c.ShrunkAt, now, settle), c.Name);
        }
    }

    [Fact]
    public void Allocate_NamespaceCaps_Table()
    {
        var sizes = new Dictionary<string, int> { ["python"] = 2, ["node"] = 2 };
        var cases = new (string Name, (string, string)[] Pools, int Max, Dictionary<string, int?> Caps, int[] Expected)[]
        {
            ("no caps", [("a", "python"), ("b", "python")], 100, [], [2, 2]),
            ("a namespace capped at 1", [("a", "python"), ("b", "python")], 100, new() { ["a"] = 1 }, [1, 2]),
            ("one cap for a namespace's runtimes together, round-robin", [("a", "node"), ("a", "python")], 100, new() { ["a"] = 3 }, [2, 1]),
            ("a capped namespace's share goes to the others under pool-max-pods", [("a", "python"), ("b", "python"), ("c", "python")], 4, new() { ["a"] = 0 }, [0, 2, 2]),
            ("cap 0: no pool", [("a", "python")], 100, new() { ["a"] = 0 }, [0]),
        };
        foreach (var c in cases)
        {
            var allocated = PoolSizing.Allocate(c.Pools, r => sizes.GetValueOrDefault(r), c.Max, ns => c.Caps.GetValueOrDefault(ns));
            var ordered = c.Pools.Order().ToList();
            Assert.True(c.Expected.SequenceEqual(ordered.Select(p => allocated[p])), $"{c.Name}: {string.Join(", ", ordered.Select(p => $"{p}={allocated[p]}"))}");
        }
    }

    [Fact]
    public void Options_Table()
    {
        var cases = new (string Name, Dictionary<string, string> Values, string? Cpu, string? MemoryLimit, int Reserve, string? Problem)[]
        {
            ("defaults", [], null, null, 20, null),
            ("requests and limits", new() { ["pool-requests-cpu"] = "100m", ["pool-limits-memory"] = "256Mi", ["pool-quota-reserve"] = "10" }, "100m", "256Mi", 10, null),
            ("a percent sign", new() { ["pool-quota-reserve"] = "0%" }, null, null, 0, null),
            ("not a quantity", new() { ["pool-requests-cpu"] = "lots" }, null, null, 20, "pool-requests-cpu = \"lots\""),
            ("zero", new() { ["pool-requests-memory"] = "0" }, null, null, 20, "pool-requests-memory = \"0\""),
            ("a limit below its request", new() { ["pool-requests-cpu"] = "500m", ["pool-limits-cpu"] = "200m" }, "500m", null, 20, "pool-limits-cpu = 200m: must not be below pool-requests-cpu = 500m"),
            ("reserve out of range", new() { ["pool-quota-reserve"] = "95" }, null, null, 20, "pool-quota-reserve = \"95\": expected a percentage in 0..90"),
        };
        foreach (var c in cases)
        {
            var problems = new List<string>();

            var resources = PoolOptionsParser.Resources(c.Values, problems);
            var reserve = PoolOptionsParser.QuotaReserve(c.Values, problems);

            Assert.True(c.Cpu == (resources?.Requests is { } requests && requests.TryGetValue("cpu", out var cpu) ? cpu.ToString() : null), c.Name);
            Assert.True(c.MemoryLimit == (resources?.Limits is { } limits && limits.TryGetValue("memory", out var memory) ? memory.ToString() : null), c.Name);
            Assert.True(c.Reserve == reserve, c.Name);
            Assert.True(c.Problem is null ? problems.Count == 0 : problems.Count == 1 && problems[0].StartsWith(c.Problem, StringComparison.Ordinal), $"{c.Name}: {string.Join("; ", problems)}");
        }
    }

    [Fact]
    public void Build_PoolResources_OnTheContainerAndInTheSpecHash()
    {
        var resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") } };

        var with = PoolDeploymentBuilder.Build(Ns, "python", "img", 1, "key", resources);
        var without = PoolDeploymentBuilder.Build(Ns, "python", "img", 1, "key");

        Assert.Equal("100m", with.Spec.Template.Spec.Containers[0].Resources.Requests["cpu"].ToString());
        Assert.Null(without.Spec.Template.Spec.Containers[0].Resources);
        Assert.NotEqual(PoolDeploymentBuilder.SpecHashOf(with), PoolDeploymentBuilder.SpecHashOf(without));
    }

    private static V1PodSpec Template(Dictionary<string, string>? requests) =>
        PoolDeploymentBuilder.Build(Ns, "python", "img", 1, "key", requests is null ? null : new V1ResourceRequirements
        {
            Requests = requests.ToDictionary(r => r.Key, r => new ResourceQuantity(r.Value)),
        }).Spec.Template.Spec;

    private static V1ResourceQuota Quota(string name, params (string Resource, string Hard, string? Used)[] resources) => Quota(name, [], resources);

    private static V1ResourceQuota Quota(string name, string[] scopes, params (string Resource, string Hard, string? Used)[] resources)
    {
        var hard = resources.ToDictionary(r => r.Resource, r => new ResourceQuantity(r.Hard));
        var used = resources.Where(r => r.Used is not null).ToDictionary(r => r.Resource, r => new ResourceQuantity(r.Used!));
        return new V1ResourceQuota
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
            Spec = new V1ResourceQuotaSpec { Hard = hard, Scopes = scopes.Length == 0 ? null : scopes },
            Status = new V1ResourceQuotaStatus { Hard = hard, Used = used.Count == 0 ? null : used },
        };
    }
}
