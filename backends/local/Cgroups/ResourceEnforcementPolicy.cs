using System.Globalization;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Cgroups;

/// <summary>
/// Decides what the <c>ResourcesEnforced</c> condition says for a spec on this machine: every limit enforced, or
/// which are not and why. Pure. Requests are not part of it: with no scheduler they only weigh CPU shares.
/// </summary>
internal static class ResourceEnforcementPolicy
{
    public const string Enforced = "Enforced";
    public const string NotEnforced = "NotEnforced";

    /// <param name="controllers">The cgroup controllers instances get; empty when cgroups are unavailable.</param>
    /// <param name="unavailable">Why cgroups are unavailable, when they are.</param>
    /// <param name="sandboxed">Whether instances run in the sandbox (its tmpfs sizes bound ephemeral storage).</param>
    /// <returns>Null when the spec sets no limit.</returns>
    public static ResourceEnforcement? Decide(
        WorkloadResources resources, CgroupVersion? version, IReadOnlySet<string> controllers, string? unavailable, bool sandboxed)
    {
        ArgumentNullException.ThrowIfNull(resources);
        if (!resources.HasLimits)
        {
            return null;
        }

        var how = new List<string>();
        var missing = new List<string>();
        var v2 = version == CgroupVersion.V2;
        void Check(bool enforced, string name, string enforcedHow)
        {
            if (enforced)
            {
                how.Add(enforcedHow);
            }
            else
            {
                missing.Add(name);
            }
        }

        if (resources.MemoryLimitBytes is { } memory)
        {
            Check(controllers.Contains(CgroupLayout.Memory), "memory", $"memory {Bytes(memory)} (cgroup {(v2 ? "v2 memory.max" : "v1 memory.limit_in_bytes")})");
        }

        if (resources.CpuLimitMillicores is { } cpu)
        {
            Check(controllers.Contains(CgroupLayout.Cpu), "cpu", $"cpu {cpu}m (cgroup {(v2 ? "v2 cpu.max" : "v1 cpu.cfs_quota_us")})");
        }

        if (resources.EphemeralStorageLimitBytes is { } storage)
        {
            Check(sandboxed, "ephemeral-storage", $"ephemeral-storage {Bytes(storage)} (size of /tmp, /dev/shm and the home tmpfs)");
        }

        if (missing.Count == 0)
        {
            return new ResourceEnforcement(true, Enforced, "limits enforced: " + string.Join(", ", how));
        }

        var reasons = new List<string>();
        if (missing.Exists(m => m is "memory" or "cpu"))
        {
            reasons.Add(unavailable ?? "the cgroup controller is not available to the platform");
        }

        if (missing.Contains("ephemeral-storage"))
        {
            reasons.Add("ephemeral-storage is bounded only inside the sandbox, which is off");
        }

        return new ResourceEnforcement(
            false,
            NotEnforced,
            $"limits not enforced here: {string.Join(", ", missing)}; the function runs without them ({string.Join("; ", reasons)})");
    }

    /// <summary>64Mi for 67108864; plain bytes when not a whole number of Ki, Mi or Gi.</summary>
    public static string Bytes(long bytes)
    {
        foreach (var (suffix, size) in new[] { ("Gi", 1L << 30), ("Mi", 1L << 20), ("Ki", 1L << 10) })
        {
            if (bytes >= size && bytes % size == 0)
            {
                return (bytes / size).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}
