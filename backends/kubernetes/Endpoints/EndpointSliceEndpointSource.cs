using System.Collections.Concurrent;
using k8s.Models;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;

namespace Serverless.Backends.Kubernetes.Endpoints;

/// <summary>
/// <see cref="IEndpointSource"/> over EndpointSlices. Each function's ready instances are an immutable array
/// swapped in whole when one of its slices changes; <see cref="GetReadyEndpoints"/> is a lock-free dictionary
/// read on the request path. The informer re-lists on 410 Gone, and its re-list turns into the same events,
/// so a missed change is repaired by the next list.
/// </summary>
/// <remarks>Writes happen on the informer's loop under <c>_gate</c>; reads never take it.</remarks>
public sealed class EndpointSliceEndpointSource : IEndpointSource
{
    private readonly object _gate = new();
    private readonly Dictionary<FunctionKey, Dictionary<string, V1EndpointSlice>> _slices = [];
    private readonly ConcurrentDictionary<FunctionKey, InstanceEndpoint[]> _ready = new();

    public EndpointSliceEndpointSource(ResourceInformer<V1EndpointSlice> slices)
    {
        slices.Changed += OnChanged;
    }

    public event Action<FunctionKey>? EndpointsChanged;

    public IReadOnlyList<InstanceEndpoint> GetReadyEndpoints(FunctionKey key) =>
        _ready.TryGetValue(key, out var endpoints) ? endpoints : [];

    private void OnChanged(ResourceEvent<V1EndpointSlice> change)
    {
        if (EndpointSliceReader.KeyOf(change.Object) is not { } key || change.Object.Metadata?.Name is not { } sliceName)
        {
            return;
        }

        bool changed;
        lock (_gate)
        {
            if (!_slices.TryGetValue(key, out var slices))
            {
                slices = new Dictionary<string, V1EndpointSlice>(StringComparer.Ordinal);
                _slices[key] = slices;
            }

            if (change.Type == WatchEventType.Deleted)
            {
                slices.Remove(sliceName);
            }
            else
            {
                slices[sliceName] = change.Object;
            }

            var ready = EndpointSliceReader.Ready(slices.Values);
            var previous = GetReadyEndpoints(key);
            changed = !previous.SequenceEqual(ready);
            if (slices.Count == 0)
            {
                _slices.Remove(key);
            }

            if (ready.Length == 0)
            {
                _ready.TryRemove(key, out _);
            }
            else if (changed)
            {
                _ready[key] = ready;
            }
        }

        if (changed)
        {
            EndpointsChanged?.Invoke(key);
        }
    }
}
