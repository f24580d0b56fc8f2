using Serverless.Backends.Local.Cgroups;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Tests.Cgroups;

public sealed class ResourceEnforcementPolicyTests
{
    private static readonly HashSet<string> All = ["memory", "cpu", "pids"];
    private static readonly HashSet<string> None = [];

    [Fact]
    public void Decide_NoLimits_NoCondition()
    {
        var requestsOnly = new WorkloadResources { CpuRequestMillicores = 100, MemoryRequestBytes = 1 << 20 };

        Assert.Null(ResourceEnforcementPolicy.Decide(requestsOnly, CgroupVersion.V2, All, null, sandboxed: true));
    }

    [Fact]
    public void Decide_AllLimitsWithControllers_EnforcedSayingHow()
    {
        var resources = new WorkloadResources { MemoryLimitBytes = 64 << 20, CpuLimitMillicores = 100, EphemeralStorageLimitBytes = 1 << 30 };

        var decision = ResourceEnforcementPolicy.Decide(resources, CgroupVersion.V1, All, null, sandboxed: true);

        Assert.NotNull(decision);
        Assert.True(decision.Enforced);
        Assert.Equal("Enforced", decision.Reason);
        Assert.Equal(
            "limits enforced: memory 64Mi (cgroup v1 memory.limit_in_bytes), cpu 100m (cgroup v1 cpu.cfs_quota_us), ephemeral-storage 1Gi (size of /tmp, /dev/shm and the home tmpfs)",
            decision.Message);
    }

    [Fact]
    public void Decide_NoCgroups_NotEnforcedWithTheReason()
    {
        var decision = ResourceEnforcementPolicy.Decide(
            new WorkloadResources { MemoryLimitBytes = 64 << 20, CpuLimitMillicores = 100 }, null, None, "cannot create cgroups under /sys/fs/cgroup/user.slice (Permission denied)", sandboxed: true);

        Assert.NotNull(decision);
        Assert.False(decision.Enforced);
        Assert.Equal("NotEnforced", decision.Reason);
        Assert.Equal(
            "limits not enforced here: memory, cpu; the function runs without them (cannot create cgroups under /sys/fs/cgroup/user.slice (Permission denied))",
            decision.Message);
    }

    [Fact]
    public void Decide_EphemeralStorageWithoutSandbox_NotEnforced()
    {
        var decision = ResourceEnforcementPolicy.Decide(new WorkloadResources { EphemeralStorageLimitBytes = 1 << 20 }, CgroupVersion.V2, All, null, sandboxed: false);

        Assert.False(decision!.Enforced);
        Assert.Contains("ephemeral-storage is bounded only inside the sandbox, which is off", decision.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(67108864, "64Mi")]
    [InlineData(1073741824, "1Gi")]
    [InlineData(3072, "3Ki")]
    [InlineData(1536, "1536")] // 1.5Ki: plain bytes
    [InlineData(1000, "1000")]
    public void Bytes_Quantity_KubernetesSuffix(long bytes, string expected)
    {
        Assert.Equal(expected, ResourceEnforcementPolicy.Bytes(bytes));
    }
}
