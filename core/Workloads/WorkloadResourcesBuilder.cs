using k8s.Models;
using Serverless.Core.Contracts;

namespace Serverless.Core.Workloads;

/// <summary>Turns a validated <c>spec.resources</c> into the numbers a backend writes into its limits.</summary>
public static class WorkloadResourcesBuilder
{
    public static WorkloadResources Build(V1ResourceRequirements? resources)
    {
        if (resources is null)
        {
            return WorkloadResources.None;
        }

        return new WorkloadResources
        {
            MemoryLimitBytes = Whole(resources.Limits, "memory", 1),
            CpuLimitMillicores = Whole(resources.Limits, "cpu", 1000),
            EphemeralStorageLimitBytes = Whole(resources.Limits, "ephemeral-storage", 1),
            MemoryRequestBytes = Whole(resources.Requests, "memory", 1),
            CpuRequestMillicores = Whole(resources.Requests, "cpu", 1000),
            EphemeralStorageRequestBytes = Whole(resources.Requests, "ephemeral-storage", 1),
        };
    }

    /// <summary>
    /// The quantity times <paramref name="scale"/>, rounded up as Kubernetes rounds a limit it cannot represent
    /// (<c>0.1m</c> cpu becomes 1 millicore, never 0, which would mean no limit).
    /// </summary>
    private static long? Whole(IDictionary<string, ResourceQuantity>? quantities, string name, long scale)
    {
        if (quantities is null || !quantities.TryGetValue(name, out var quantity) || quantity is null)
        {
            return null;
        }

        // Compared before multiplying, so an absurd quantity saturates instead of overflowing.
        var value = quantity.ToDecimal();
        return value >= (decimal)long.MaxValue / scale ? long.MaxValue : (long)Math.Ceiling(value * scale);
    }
}
