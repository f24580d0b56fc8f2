using System.Globalization;

namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>One pod as the scale-down planner sees it: its current deletion-cost annotation and its in-flight requests.</summary>
internal readonly record struct PodLoad(string Name, string? CurrentCost, int InFlight);

/// <summary>
/// Before a Deployment scales down, its pods get a <c>controller.kubernetes.io/pod-deletion-cost</c> equal to
/// their in-flight requests, so the ReplicaSet controller removes the idlest pods first and never a busy one
/// while an idle one could go. Pure: returns the annotations to write, only those that change, so a steady
/// scale-down with idle pods costs no pod patch at all.
/// </summary>
internal static class PodDeletionCostPlanner
{
    /// <summary>The annotation value to set per pod; null means "remove it" (the default cost, 0).</summary>
    public static IReadOnlyList<(string Pod, string? Cost)> Plan(IEnumerable<PodLoad> pods)
    {
        var changes = new List<(string, string?)>();
        foreach (var pod in pods.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            // Costs are int32; in-flight counts never come near the limit, but stay in range anyway.
            string? wanted = pod.InFlight > 0 ? Math.Min(pod.InFlight, int.MaxValue).ToString(CultureInfo.InvariantCulture) : null;
            var current = pod.CurrentCost is "0" or "" ? null : pod.CurrentCost;
            if (current != wanted)
            {
                changes.Add((pod.Name, wanted));
            }
        }

        return changes;
    }
}
