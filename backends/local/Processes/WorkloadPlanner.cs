namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Decides, from the instances of one function, what to start and what to drain so that <c>desired</c>
/// instances of the current revision run, and a roll to a new revision never leaves zero ready instances.
/// </summary>
/// <remarks>
/// Rules, applied to instances not already draining:
/// <list type="number">
/// <item>Current revision below desired: start the difference (the caller applies the restart backoff).</item>
/// <item>Current revision above desired: drain the surplus, instances that are not ready first, then the
/// least busy (fewest requests in flight, as the activator reports), then the newest: never a busy instance
/// while an idle one could go.</item>
/// <item>Old revisions keep just enough ready instances to cover what the current revision cannot serve yet:
/// <c>max(0, desired − currentReady)</c>, oldest kept; the rest (and every old instance that is not ready) drain.
/// So a new revision that never turns ready leaves the old one serving.</item>
/// </list>
/// Worked roll with desired 2: old {A, B} ready, new {C, D} starting → keep 2 old; C ready → keep 1, drain B;
/// D ready → drain A. Ready instances never drop below 2 while that happens.
/// </remarks>
internal static class WorkloadPlanner
{
    public static WorkloadPlan Plan(int desired, string revision, IReadOnlyList<InstanceView> instances)
    {
        var current = new List<InstanceView>();
        var old = new List<InstanceView>();
        foreach (var instance in instances)
        {
            if (instance.State == LocalInstanceState.Draining)
            {
                continue;
            }

            (instance.Revision == revision ? current : old).Add(instance);
        }

        var toDrain = new List<string>();
        var toStart = Math.Max(0, desired - current.Count);
        if (current.Count > desired)
        {
            toDrain.AddRange(current
                .OrderBy(i => i.State == LocalInstanceState.Ready ? 1 : 0)
                .ThenBy(i => i.InFlight)
                .ThenByDescending(i => i.Sequence)
                .Take(current.Count - desired)
                .Select(i => i.Id));
        }

        var currentReady = current.Count(i => i.State == LocalInstanceState.Ready);
        var keepOld = Math.Max(0, desired - currentReady);
        var kept = 0;
        foreach (var instance in old.OrderBy(i => i.Sequence))
        {
            if (instance.State == LocalInstanceState.Ready && kept < keepOld)
            {
                kept++;
            }
            else
            {
                toDrain.Add(instance.Id);
            }
        }

        return toStart == 0 && toDrain.Count == 0 ? WorkloadPlan.Nothing : new WorkloadPlan(toStart, toDrain);
    }
}
