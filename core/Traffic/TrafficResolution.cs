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
}
