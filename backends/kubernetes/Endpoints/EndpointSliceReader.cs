using k8s.Models;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Kubernetes.Endpoints;

/// <summary>The ready instances a function's EndpointSlices describe. Pure.</summary>
internal static class EndpointSliceReader
{
    /// <summary>The function a slice belongs to: the Service named by its <c>kubernetes.io/service-name</c> label.</summary>
    public static FunctionKey? KeyOf(V1EndpointSlice slice) =>
        slice.Metadata?.Labels is { } labels && labels.TryGetValue(WorkloadLabels.ServiceName, out var service) && service.Length > 0
            ? new FunctionKey(slice.Metadata.NamespaceProperty ?? "", service)
            : null;

    /// <summary>
    /// Ready (<c>conditions.ready</c> true) and not terminating endpoints, one per instance id (an endpoint can
    /// sit in two slices while the EndpointSlice controller moves it), ordered by id so that an unchanged set
    /// gives an equal snapshot. The instance id is <c>targetRef.name</c>, the pod name, which the activator
    /// reports to the autoscaler as well.
    /// </summary>
    public static InstanceEndpoint[] Ready(IEnumerable<V1EndpointSlice> slices)
    {
        var ready = new SortedDictionary<string, InstanceEndpoint>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            if (slice.AddressType is "FQDN" || Port(slice) is not { } port)
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (endpoint.Conditions?.Ready != true || endpoint.Conditions.Terminating == true
                    || endpoint.Addresses is not { Count: > 0 } addresses)
                {
                    continue;
                }

                var id = endpoint.TargetRef?.Name is { Length: > 0 } pod ? pod : addresses[0];
                var host = addresses[0].Contains(':', StringComparison.Ordinal) ? "[" + addresses[0] + "]" : addresses[0];
                ready.TryAdd(id, new InstanceEndpoint(id, host, port, ContainerConcurrency: 0));
            }
        }

        return [.. ready.Values];
    }

    /// <summary>The port named <c>http</c>, else the only port.</summary>
    private static int? Port(V1EndpointSlice slice)
    {
        var ports = slice.Ports ?? [];
        var port = ports.FirstOrDefault(p => p.Name == "http") ?? (ports.Count == 1 ? ports[0] : null);
        return port?.Port;
    }
}
