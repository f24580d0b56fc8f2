namespace Serverless.Activator.LoadBalancing;

/// <summary>
/// Picks an instance with free capacity: least in flight first, ties round-robin (the scan starts one
/// further on each pick). Ejected instances are skipped; an instance to avoid (the one a retry just
/// failed on) is taken only when no other has room. When every instance is ejected (the healthy ones went
/// away after the ejection) ejection is ignored: some answer beats none. Pure apart from its cursor; the
/// caller holds the lock.
/// </summary>
internal sealed class InstanceBalancer
{
    private int _cursor;

    /// <summary>The chosen slot, or null when none has free capacity.</summary>
    public InstanceSlot? Pick(IReadOnlyList<InstanceSlot> slots, DateTimeOffset now, string? avoid = null)
    {
        var count = slots.Count;
        if (count == 0)
        {
            return null;
        }

        var start = _cursor = (int)((uint)(_cursor + 1) % (uint)count);
        InstanceSlot? best = null;
        InstanceSlot? avoided = null;
        InstanceSlot? ejected = null;
        var anyHealthy = false;
        for (var i = 0; i < count; i++)
        {
            var slot = slots[(start + i) % count];
            if (slot.Outlier.IsEjected(now))
            {
                if (slot.HasFreeCapacity && (ejected is null || slot.InFlight < ejected.InFlight))
                {
                    ejected = slot;
                }

                continue;
            }

            anyHealthy = true;
            if (!slot.HasFreeCapacity)
            {
                continue;
            }

            if (avoid is not null && slot.Endpoint.Id == avoid)
            {
                avoided = slot;
                continue;
            }

            if (best is null || slot.InFlight < best.InFlight)
            {
                best = slot;
            }
        }

        return best ?? avoided ?? (anyHealthy ? null : ejected);
    }
}
