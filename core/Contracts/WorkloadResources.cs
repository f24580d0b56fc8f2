namespace Serverless.Core.Contracts;

/// <summary>
/// A Function's <c>spec.resources</c> in plain numbers, for the backend that enforces them. A null field was not
/// requested. Quantities round up (<c>100m</c> cpu is 100 millicores, <c>0.5Ki</c> memory is 512 bytes).
/// </summary>
public sealed record WorkloadResources
{
    public static readonly WorkloadResources None = new();

    public long? MemoryLimitBytes { get; init; }

    public long? CpuLimitMillicores { get; init; }

    public long? EphemeralStorageLimitBytes { get; init; }

    public long? MemoryRequestBytes { get; init; }

    public long? CpuRequestMillicores { get; init; }

    public long? EphemeralStorageRequestBytes { get; init; }

    /// <summary>Whether any limit is set: limits are what a backend must enforce or report as not enforced.</summary>
    public bool HasLimits => MemoryLimitBytes is not null || CpuLimitMillicores is not null || EphemeralStorageLimitBytes is not null;
}
