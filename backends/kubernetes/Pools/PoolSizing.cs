namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// How many idle pods each wanted pool gets under <see cref="KubernetesPoolOptions.MaxPods"/>, the bound on idle pool
/// pods of all namespaces and runtimes together. Pure.
/// </summary>
/// <remarks>
/// Round-robin, one pod per pool per round, in (namespace, runtime) order, each pool up to its
/// <c>pool-size-{runtime}</c>: every pool gets its first pod before any gets its second, so a namespace's first cold
/// start is served from a pool before another namespace's third. Worked: pool-size-python 2, pool-max-pods 4, python
/// Functions in namespaces a, b, c → round 1 gives a, b, c one pod each (3), round 2 gives a its second (4) → a 2, b 1,
/// c 1. With more pools than pods, the last pools in that order get 0 (no pool: a cold start there starts a pod).
/// A namespace's ResourceQuotas bound its pools of all runtimes together (<see cref="PoolQuotaBudget"/>): a pool whose
/// namespace is at its bound gets no more, and the pods it would have had go to the other pools.
/// </remarks>
internal static class PoolSizing
{
    /// <param name="namespaceCap">The bound of a namespace's pools together (null: none), from its quotas.</param>
    public static Dictionary<(string Namespace, string Runtime), int> Allocate(
        IEnumerable<(string Namespace, string Runtime)> pools, Func<string, int> sizeOf, int maxPods, Func<string, int?>? namespaceCap = null)
    {
        ArgumentNullException.ThrowIfNull(sizeOf);
        var ordered = pools.Distinct().Order().ToList();
        var sizes = ordered.ToDictionary(p => p, _ => 0);
        var room = ordered.Select(p => p.Namespace).Distinct().ToDictionary(ns => ns, ns => namespaceCap?.Invoke(ns) is { } cap ? Math.Max(0, cap) : int.MaxValue, StringComparer.Ordinal);
        var left = Math.Max(0, maxPods);
        for (var round = 1; left > 0; round++)
        {
            var grew = false;
            foreach (var pool in ordered)
            {
                if (left == 0)
                {
                    break;
                }

                if (sizeOf(pool.Runtime) >= round && room[pool.Namespace] > 0)
                {
                    sizes[pool] = round;
                    room[pool.Namespace]--;
                    left--;
                    grew = true;
                }
            }

            if (!grew)
            {
                break;
            }
        }

        return sizes;
    }
}
