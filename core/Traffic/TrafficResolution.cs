using Serverless.Core.Api;

namespace Serverless.Core.Traffic;

/// <summary>
/// The outcome of <see cref="TrafficResolver.Resolve"/>. <see cref="Targets"/> is null when some target cannot be
/// served yet: the previous split stays in force, as a Knative route keeps its last good configuration.
/// </summary>
public sealed record TrafficResolution(IReadOnlyList<TrafficTarget>? Targets, RouteState Route)
{
    /// <summary>
    /// The percent per revision, targets of one revision added up, zero shares left out, in first-seen order:
    /// what the activator splits by. Tag-only targets (0%) get requests only through their tag's URL.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, int>> Weights(IEnumerable<TrafficTarget> targets)
    {
        var order = new List<string>();
        var sums = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            if (target.RevisionName is not { } name || target.Percent is not ( > 0 and var percent))
            {
                continue;
            }

            if (sums.TryGetValue(name, out var sum))
            {
                sums[name] = sum + percent;
            }
            else
            {
                order.Add(name);
                sums[name] = percent;
            }
        }

        return order.Select(n => new KeyValuePair<string, int>(n, sums[n])).ToArray();
    }

    /// <summary>
    /// The revisions that run as workloads keyed by their own name: every share but the main one (the largest, the
    /// first on ties: the Function's own workload), and every tagged revision without a share, which its tag's URL
    /// activates from zero on its own.
    /// </summary>
    public static IReadOnlyList<string> OwnWorkloads(IEnumerable<TrafficTarget> targets)
    {
        var list = targets as IReadOnlyCollection<TrafficTarget> ?? targets.ToList();
        var weights = Weights(list);
        var main = weights.Count > 0 ? weights.MaxBy(w => w.Value).Key : null;
        var own = weights.Where(w => w.Key != main).Select(w => w.Key).ToList();
        foreach (var target in list)
        {
            if (target.Tag is not null && target.RevisionName is { } name && name != main && !own.Contains(name, StringComparer.Ordinal))
            {
                own.Add(name);
            }
        }

        return own;
    }
}
