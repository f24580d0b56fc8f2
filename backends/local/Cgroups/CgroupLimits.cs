using System.Globalization;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Cgroups;

/// <summary>
/// Turns <c>spec.resources</c> into cgroup files, the way the kubelet does for a container; pure, table-tested.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Memory limit: v2 <c>memory.max</c>, v1 <c>memory.limit_in_bytes</c>; swap is held at zero (v2
/// <c>memory.swap.max = 0</c>, v1 <c>memory.memsw.limit_in_bytes</c> = the limit) so the limit means RAM and an
/// instance over it is killed rather than swapped.</item>
/// <item>CPU limit: a CFS quota per 100 ms period, 100m → 10 ms (v2 <c>cpu.max = "10000 100000"</c>, v1
/// <c>cpu.cfs_quota_us</c>), at least the kernel's 1 ms.</item>
/// <item>CPU request: a relative weight, as the kubelet: shares = millicores × 1024 / 1000 in [2, 262144]
/// (v1 <c>cpu.shares</c>), and on v2 <c>cpu.weight</c> = 1 + (shares − 2) × 9999 / 262142 (250m → 256 shares →
/// weight 10).</item>
/// <item>Pids: <c>pids.max</c>, so a fork bomb stays inside one instance.</item>
/// </list>
/// Memory requests have no local meaning (no scheduler places instances) and are not written.
/// </remarks>
internal static class CgroupLimits
{
    public const long CpuPeriodMicros = 100_000;
    private const long MinCpuQuotaMicros = 1_000;
    private const long MinShares = 2;
    private const long MaxShares = 262_144;

    public static IReadOnlyList<CgroupWrite> Writes(CgroupVersion version, WorkloadResources resources, int pidsLimit, IReadOnlySet<string> controllers)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var v2 = version == CgroupVersion.V2;
        var writes = new List<CgroupWrite>();
        if (resources.MemoryLimitBytes is { } memory && controllers.Contains(CgroupLayout.Memory))
        {
            var bytes = Text(memory);
            writes.AddRange(v2
                ? [new(CgroupLayout.Memory, "memory.max", bytes), new(CgroupLayout.Memory, "memory.swap.max", "0", Optional: true)]
                : [new(CgroupLayout.Memory, "memory.limit_in_bytes", bytes), new(CgroupLayout.Memory, "memory.memsw.limit_in_bytes", bytes, Optional: true)]);
        }

        if (controllers.Contains(CgroupLayout.Cpu))
        {
            if (resources.CpuLimitMillicores is { } limit)
            {
                var quota = Text(CpuQuotaMicros(limit));
                writes.AddRange(v2
                    ? [new(CgroupLayout.Cpu, "cpu.max", $"{quota} {Text(CpuPeriodMicros)}")]
                    : [new(CgroupLayout.Cpu, "cpu.cfs_period_us", Text(CpuPeriodMicros)), new(CgroupLayout.Cpu, "cpu.cfs_quota_us", quota)]);
            }

            if (resources.CpuRequestMillicores is { } request)
            {
                var shares = CpuShares(request);
                writes.Add(v2
                    ? new(CgroupLayout.Cpu, "cpu.weight", Text(1 + ((shares - MinShares) * 9999 / (MaxShares - MinShares))))
                    : new(CgroupLayout.Cpu, "cpu.shares", Text(shares)));
            }
        }

        if (pidsLimit > 0 && controllers.Contains(CgroupLayout.Pids))
        {
            writes.Add(new(CgroupLayout.Pids, "pids.max", Text(pidsLimit)));
        }

        return writes;
    }

    /// <summary>
    /// Microseconds of CPU per <see cref="CpuPeriodMicros"/>: 1000 millicores is one whole period. Capped at 10,000
    /// cores, far below what the kernel accepts, so an absurd quantity cannot overflow.
    /// </summary>
    public static long CpuQuotaMicros(long millicores) =>
        Math.Max(MinCpuQuotaMicros, Math.Min(millicores, 10_000_000) * (CpuPeriodMicros / 1000));

    public static long CpuShares(long millicores) =>
        Math.Clamp(millicores >= MaxShares ? MaxShares : millicores * 1024 / 1000, MinShares, MaxShares);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
