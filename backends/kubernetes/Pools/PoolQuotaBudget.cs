using System.Globalization;
using k8s.Models;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// How many pool pods a namespace's ResourceQuotas leave room for. Pure.
/// </summary>
/// <remarks>
/// The rule, per quota that counts pool pods and per resource of it a pool pod uses (u per pod):
/// pool pods ≤ ⌊(hard × (100 − reserve)/100 − functions) / u⌋, where functions = <c>status.used</c> minus what the
/// namespace's pool pods themselves use now (idle ones, terminating ones too: the quota still counts them). So the
/// pools take at most what the functions leave, and never the last <c>pool-quota-reserve</c> percent of any resource.
/// Worked: <c>pods: 10</c>, reserve 20 %, 5 function pods and 2 pool pods (used 7) → functions 5 → ⌊(8 − 5)/1⌋ = 3.
/// <c>requests.cpu: 2</c>, pool pods at 100m, functions 1200m → ⌊(1600m − 1200m)/100m⌋ = 4; the smallest bound wins.
/// Why it does not loop: the pools' own pods are taken out of <c>status.used</c>, so the bound does not move when
/// pool pods come or go (used rises by u as the pool's use does); it moves only with the functions' use and the hard
/// limits. A quota that constrains cpu or memory and a pool pod that does not request it (the API server's
/// <c>must specify</c>) gives 0, as does a quota whose <c>status.used</c> is not computed yet (the server refuses then too).
/// </remarks>
internal static class PoolQuotaBudget
{
    /// <param name="quotas">The namespace's ResourceQuotas.</param>
    /// <param name="template">The pool pods' spec as the controller writes it (every runtime's is the same but for the image).</param>
    /// <param name="poolPods">The namespace's pool pods now, of every runtime (label <c>serverless.dev/pool</c>), terminating ones included.</param>
    /// <param name="reservePercent"><c>pool-quota-reserve</c>: the share of each quota the pools never take.</param>
    public static PoolQuotaLimit Decide(IEnumerable<V1ResourceQuota> quotas, V1PodSpec template, IEnumerable<V1Pod> poolPods, int reservePercent)
    {
        var perPod = PoolQuotaUsage.Of(template);
        var counted = poolPods.Where(PoolQuotaUsage.Counted).ToList();
        var limit = PoolQuotaLimit.None;
        foreach (var quota in quotas.OrderBy(q => q.Metadata?.Name, StringComparer.Ordinal))
        {
            var name = $"{quota.Metadata?.NamespaceProperty}/{quota.Metadata?.Name}";
            if (!PoolQuotaUsage.Counts(quota, template))
            {
                continue;
            }

            var hard = quota.Status?.Hard ?? quota.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>();
            var restricted = hard.Keys.Where(PoolQuotaUsage.Resources.Contains).Order(StringComparer.Ordinal).ToList();
            if (restricted.Count == 0)
            {
                continue;
            }

            if (PoolQuotaUsage.Missing(template, restricted) is { Count: > 0 } missing)
            {
                return new PoolQuotaLimit(
                    0, name, missing[0],
                    $"ResourceQuota {name} constrains {string.Join(", ", missing)}, which the pool's pods do not request: the API server refuses them (set {string.Join(", ", missing.Select(Option).Distinct())})",
                    Refused: true);
            }

            var used = quota.Status?.Used;
            if (used is null || restricted.Any(r => !used.ContainsKey(r)))
            {
                return new PoolQuotaLimit(0, name, restricted[0], $"ResourceQuota {name} has no status.used yet: the API server refuses pods until the quota controller computes it", Refused: true);
            }

            foreach (var resource in restricted)
            {
                var each = perPod.GetValueOrDefault(resource);
                if (each <= 0)
                {
                    continue;
                }

                var ours = counted.Sum(p => PoolQuotaUsage.Of(p.Spec).GetValueOrDefault(resource));
                var functions = Math.Max(0, used[resource].ToDecimal() - ours);
                var usable = (hard[resource].ToDecimal() * (100 - reservePercent) / 100) - functions;
                var room = usable <= 0 ? 0 : (int)Math.Min(int.MaxValue, decimal.Floor(usable / each));
                if (limit.MaxPods is null || room < limit.MaxPods)
                {
                    limit = new PoolQuotaLimit(
                        room, name, resource,
                        string.Create(CultureInfo.InvariantCulture, $"ResourceQuota {name}: {resource} hard {hard[resource]}, functions use {Print(functions, hard[resource])}, {reservePercent}% kept free: room for {room} pool pods at {Print(each, hard[resource])} each"));
                }
            }
        }

        return limit;
    }

    /// <summary>
    /// The bound the pools of a namespace get now. A smaller bound applies at once (functions need the room); a larger
    /// one only once <paramref name="settle"/> has passed since the last shrink, because right after pool pods go the
    /// quota's <c>status.used</c> may still count them (its controller lags the deletion), which would read as the
    /// functions' use and shrink the pools once more, then regrow them: without the wait that lag makes a write loop.
    /// </summary>
    /// <param name="wanted">The quota's bound (null: none).</param>
    /// <param name="live">The pool pods the namespace's pool Deployments ask for now (their replicas summed).</param>
    public static int? Settle(int? wanted, int live, DateTimeOffset? shrunkAt, DateTimeOffset now, TimeSpan settle) =>
        wanted is { } bound && bound > live && shrunkAt is { } at && now - at < settle ? live : wanted;

    private static string Option(string resource) => resource switch
    {
        "cpu" or "requests.cpu" => "pool-requests-cpu",
        "memory" or "requests.memory" => "pool-requests-memory",
        "limits.cpu" => "pool-limits-cpu",
        "limits.memory" => "pool-limits-memory",
        _ => resource,
    };

    private static string Print(decimal value, ResourceQuantity like) =>
        new ResourceQuantity(value, 0, like.Format).CanonicalizeString();
}
