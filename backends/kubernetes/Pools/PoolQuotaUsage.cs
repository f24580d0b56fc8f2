using k8s.Models;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// What one pod counts in a namespace's ResourceQuota, as the API server's pod evaluator counts it: <c>pods</c> and
/// <c>count/pods</c> 1; <c>requests.{cpu,memory,ephemeral-storage}</c> (and the bare names) the containers' requests,
/// a container without a request counting its limit (the server defaults one from the other); <c>limits.*</c> the
/// limits. Only what a pool pod can use is modelled (no init containers, no overhead). Pure.
/// </summary>
internal static class PoolQuotaUsage
{
    /// <summary>The quota resources a pod is counted in; a quota's other resources (services, configmaps, …) never bound a pool.</summary>
    public static readonly IReadOnlySet<string> Resources = new HashSet<string>(StringComparer.Ordinal)
    {
        "pods", "count/pods", "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
        "limits.cpu", "limits.memory", "limits.ephemeral-storage",
    };

    /// <summary>
    /// The resources every container must name once a quota constrains them, or the API server refuses the pod
    /// (403 <c>failed quota: NAME: must specify requests.cpu for: function</c>).
    /// </summary>
    private static readonly string[] MustSpecify = ["cpu", "limits.cpu", "limits.memory", "memory", "requests.cpu", "requests.memory"];

    /// <summary>A pod in a terminal phase counts nothing; a terminating one still counts (its grace period is not over).</summary>
    public static bool Counted(V1Pod pod) => pod.Status?.Phase is not ("Succeeded" or "Failed");

    public static Dictionary<string, decimal> Of(V1PodSpec? spec)
    {
        var usage = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["pods"] = 1, ["count/pods"] = 1 };
        foreach (var resource in (string[])["cpu", "memory", "ephemeral-storage"])
        {
            decimal requests = 0, limits = 0;
            foreach (var container in spec?.Containers ?? [])
            {
                var limit = Quantity(container.Resources?.Limits, resource);
                requests += Quantity(container.Resources?.Requests, resource) ?? limit ?? 0;
                limits += limit ?? 0;
            }

            usage[resource] = requests;
            usage["requests." + resource] = requests;
            usage["limits." + resource] = limits;
        }

        return usage;
    }

    /// <summary>The resources of <paramref name="constrained"/> that some container of <paramref name="spec"/> does not name (sorted), which the API server would refuse.</summary>
    public static IReadOnlyList<string> Missing(V1PodSpec? spec, IEnumerable<string> constrained)
    {
        var required = constrained.Intersect(MustSpecify, StringComparer.Ordinal).ToList();
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var container in spec?.Containers ?? [])
        {
            foreach (var resource in required)
            {
                var bare = resource.Contains('.', StringComparison.Ordinal) ? resource[(resource.IndexOf('.', StringComparison.Ordinal) + 1)..] : resource;
                var hasLimit = container.Resources?.Limits?.ContainsKey(bare) == true;
                var named = resource.StartsWith("limits.", StringComparison.Ordinal) ? hasLimit : hasLimit || container.Resources?.Requests?.ContainsKey(bare) == true;
                if (!named)
                {
                    missing.Add(resource);
                }
            }
        }

        return [.. missing];
    }

    /// <summary>
    /// Whether the quota counts pods like <paramref name="spec"/>: its scopes Terminating, NotTerminating, BestEffort and
    /// NotBestEffort are evaluated; any other scope (PriorityClass, CrossNamespacePodAffinity) is taken to count the pod,
    /// which can only make the pool smaller than it could be, never the quota exceeded.
    /// </summary>
    public static bool Counts(V1ResourceQuota quota, V1PodSpec? spec)
    {
        var scopes = new List<string>(quota.Spec?.Scopes ?? []);
        scopes.AddRange((quota.Spec?.ScopeSelector?.MatchExpressions ?? []).Where(e => e.OperatorProperty == "Exists").Select(e => e.ScopeName));
        var terminating = spec?.ActiveDeadlineSeconds is not null;
        var bestEffort = (spec?.Containers ?? []).All(c => c.Resources?.Requests is not { Count: > 0 } && c.Resources?.Limits is not { Count: > 0 });
        return scopes.All(scope => scope switch
        {
            "Terminating" => terminating,
            "NotTerminating" => !terminating,
            "BestEffort" => bestEffort,
            "NotBestEffort" => !bestEffort,
            _ => true,
        });
    }

    public static decimal? Quantity(IDictionary<string, ResourceQuantity>? quantities, string name) =>
        quantities is not null && quantities.TryGetValue(name, out var quantity) && quantity is not null ? quantity.ToDecimal() : null;
}
