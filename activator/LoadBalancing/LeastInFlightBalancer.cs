using System.Collections.Concurrent;
using Serverless.Core.Contracts;

namespace Serverless.Activator.LoadBalancing;

/// <summary>
/// Picks the ready instance with the fewest requests in flight, ties broken round-robin.
/// In-flight counts are per instance id and shared by all functions (ids are unique).
/// TODO(#4): respect containerConcurrency exactly, queue when every instance is full, eject failing instances.
/// </summary>
internal sealed class LeastInFlightBalancer
{
    private readonly ConcurrentDictionary<string, InFlightCounter> _inFlight = new();
    private int _roundRobin;

    public InFlightCounter Pick(IReadOnlyList<InstanceEndpoint> endpoints, out InstanceEndpoint picked)
    {
        var start = (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)endpoints.Count);
        InstanceEndpoint? best = null;
        InFlightCounter? bestCounter = null;
        for (var i = 0; i < endpoints.Count; i++)
        {
            var candidate = endpoints[(start + i) % endpoints.Count];
            var counter = _inFlight.GetOrAdd(candidate.Id, static _ => new InFlightCounter());
            if (bestCounter is null || counter.Value < bestCounter.Value)
            {
                best = candidate;
                bestCounter = counter;
            }
        }

        picked = best!;
        return bestCounter!;
    }

    /// <summary>Drops counters of instances that are gone, so the table does not grow with every instance ever seen.</summary>
    public void Forget(IEnumerable<string> instanceIds)
    {
        foreach (var id in instanceIds)
        {
            if (_inFlight.TryGetValue(id, out var counter) && counter.Value == 0)
            {
                _inFlight.TryRemove(id, out _);
            }
        }
    }
}
