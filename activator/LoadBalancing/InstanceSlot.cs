using Serverless.Core.Contracts;

namespace Serverless.Activator.LoadBalancing;

/// <summary>
/// One instance as the balancer sees it: its endpoint, requests in flight, capacity and outlier state.
/// Not thread-safe: the owning throttler's lock guards it.
/// </summary>
internal sealed class InstanceSlot
{
    public InstanceSlot(InstanceEndpoint endpoint, int capacity)
    {
        Endpoint = endpoint;
        Capacity = capacity;
    }

    public InstanceEndpoint Endpoint
    {
        get;
        set
        {
            field = value;
            Destination = "http://" + value.Authority;
        }
    }

    /// <summary>The forwarder's destination prefix, <c>http://host:port</c>, built once per endpoint rather than per request.</summary>
    public string Destination { get; private set; } = "";

    /// <summary>Most requests in flight at once; 0 means unlimited.</summary>
    public int Capacity { get; set; }

    public int InFlight { get; set; }

    public OutlierState Outlier { get; } = new();

    /// <summary>Armed while ejected, to wake waiters when the ejection ends.</summary>
    public ITimer? EjectionTimer { get; set; }

    public bool HasFreeCapacity => Capacity == 0 || InFlight < Capacity;
}
