using Serverless.Backends.Local.Cgroups;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Tests.Cgroups;

public sealed class CgroupLimitsTests
{
    private static readonly HashSet<string> All = ["memory", "cpu", "pids"];

    private static readonly WorkloadResources Limits = new() { MemoryLimitBytes = 64 << 20, CpuLimitMillicores = 100, CpuRequestMillicores = 250 };

    private static string Render(IEnumerable<CgroupWrite> writes) =>
        string.Join("; ", writes.Select(w => $"{w.Controller}/{w.File}={w.Value}{(w.Optional ? "?" : "")}"));

    [Fact]
    public void Writes_V2_MemoryMaxNoSwapCpuMaxWeightPids()
    {
        Assert.Equal(
            "memory/memory.max=67108864; memory/memory.swap.max=0?; cpu/cpu.max=10000 100000; cpu/cpu.weight=10; pids/pids.max=4096",
            Render(CgroupLimits.Writes(CgroupVersion.V2, Limits, 4096, All)));
    }

    [Fact]
    public void Writes_V1_LimitInBytesMemswCfsQuotaShares()
    {
        Assert.Equal(
            "memory/memory.limit_in_bytes=67108864; memory/memory.memsw.limit_in_bytes=67108864?; cpu/cpu.cfs_period_us=100000; cpu/cpu.cfs_quota_us=10000; cpu/cpu.shares=256; pids/pids.max=4096",
            Render(CgroupLimits.Writes(CgroupVersion.V1, Limits, 4096, All)));
    }

    [Fact]
    public void Writes_NothingRequested_OnlyThePidsLimit()
    {
        Assert.Equal("pids/pids.max=100", Render(CgroupLimits.Writes(CgroupVersion.V2, WorkloadResources.None, 100, All)));
        Assert.Empty(CgroupLimits.Writes(CgroupVersion.V2, WorkloadResources.None, 0, All));
    }

    [Fact]
    public void Writes_ControllerMissing_ItsFilesLeftOut()
    {
        Assert.Equal("pids/pids.max=10", Render(CgroupLimits.Writes(CgroupVersion.V1, Limits, 10, new HashSet<string> { "pids" })));
    }

    [Theory]
    [InlineData(100, 10_000)] // 100m: 10 ms of every 100 ms
    [InlineData(1500, 150_000)] // 1.5 cores: more than a period, across cores
    [InlineData(1, 1_000)] // at least the kernel's 1 ms
    [InlineData(long.MaxValue, 1_000_000_000)] // capped, no overflow
    public void CpuQuotaMicros_Millicores_PerPeriod(long millicores, long expected)
    {
        Assert.Equal(expected, CgroupLimits.CpuQuotaMicros(millicores));
    }

    [Theory]
    [InlineData(250, 256)]
    [InlineData(1000, 1024)]
    [InlineData(1, 2)] // the kernel's minimum
    [InlineData(1_000_000, 262_144)] // and maximum
    public void CpuShares_Millicores_AsTheKubelet(long millicores, long expected)
    {
        Assert.Equal(expected, CgroupLimits.CpuShares(millicores));
    }
}
