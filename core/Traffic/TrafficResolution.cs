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
    /// The revisions that run as workloads keyed by their own name (issue #17: every revision is its own scaling unit):
    /// every revision with a share and every tagged revision without one (its tag's URL activates it from zero on its
    /// own), in first-seen order, except <paramref name="functionKeyRevision"/>, which runs under the Function's key
    /// (<see cref="FunctionStatus.FunctionKeyRevision"/>).
    /// </summary>
    public static IReadOnlyList<string> OwnWorkloads(IEnumerable<TrafficTarget> targets, string? functionKeyRevision)
    {
        var list = targets as IReadOnlyCollection<TrafficTarget> ?? targets.ToList();
        var own = Weights(list).Select(w => w.Key).Where(name => name != functionKeyRevision).ToList();
        foreach (var target in list)
        {
            if (target.Tag is not null && target.RevisionName is { } name && name != functionKeyRevision && !own.Contains(name, StringComparer.Ordinal))
            {
                own.Add(name);
            }
        }

        return own;
    }

    /// <summary>
    /// The revision a Function with no routed revision yet (a first deploy not ready, or not reconciled at all) is
    /// starting: its latest created one, or, before the controller has written any status, the one it is about to cut
    /// (<c>{function}-{generation:00001}</c>, as <see cref="Naming.RevisionNames.Name"/> names it), so that a request
    /// that arrives first waits on, and wakes, the workload that will serve it. Null before any status where the main
    /// revision runs under the Function's key (<paramref name="revisionWorkloads"/> false: Kubernetes today).
    /// </summary>
    public static string? StartingRevision(Function function, bool revisionWorkloads) =>
        function.Status?.LatestCreatedRevision
        ?? (revisionWorkloads ? Naming.RevisionNames.Name(function.Metadata.Name, function.Metadata.Generation ?? 1) : null);

    /// <summary>
    /// Every workload key a Function's instances may run under: its own (an older layout's, or the revision its status
    /// names) first, then each routed revision's, for views of the whole Function (<c>func logs</c>, <c>func top</c>).
    /// </summary>
    public static IReadOnlyList<Contracts.FunctionKey> WorkloadKeys(Contracts.FunctionKey function, FunctionStatus? status) =>
        [function, .. OwnWorkloads(status?.Traffic ?? [], status?.FunctionKeyRevision).Select(name => new Contracts.FunctionKey(function.Namespace, name))];

    /// <summary>
    /// The workload key of <paramref name="revision"/> of the Function <paramref name="function"/>: the Function's own
    /// key for the revision its status says runs under it (<see cref="FunctionStatus.FunctionKeyRevision"/>), else the
    /// revision's name in the Function's namespace.
    /// </summary>
    public static Contracts.FunctionKey WorkloadKey(Contracts.FunctionKey function, FunctionStatus? status, string revision) =>
        status?.FunctionKeyRevision is { } named && named == revision ? function : new Contracts.FunctionKey(function.Namespace, revision);
}
