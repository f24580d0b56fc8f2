using Serverless.Activator.LoadBalancing;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Throttling;

/// <summary>
/// One reserved request slot on one instance. Release exactly once (later calls are ignored), which
/// frees the slot and hands it to the next waiter.
/// </summary>
internal sealed class InstanceLease
{
    private readonly FunctionThrottler _owner;
    private int _released;

    public InstanceLease(FunctionThrottler owner, InstanceSlot slot, TimeSpan? coldStart)
    {
        _owner = owner;
        Slot = slot;
        ColdStart = coldStart;
    }

    public InstanceSlot Slot { get; }

    public InstanceEndpoint Endpoint => Slot.Endpoint;

    /// <summary>The instance's <c>http://host:port</c>, for the forwarder.</summary>
    public string Destination => Slot.Destination;

    /// <summary>Set on the first lease after a scale from zero: the time since the first request queued for it.</summary>
    public TimeSpan? ColdStart { get; }

    public void Release(LeaseOutcome outcome)
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _owner.Release(this, outcome);
        }
    }
}
