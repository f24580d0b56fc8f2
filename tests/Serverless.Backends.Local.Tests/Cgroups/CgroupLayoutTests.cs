using Serverless.Backends.Local.Cgroups;

namespace Serverless.Backends.Local.Tests.Cgroups;

public sealed class CgroupLayoutTests
{
    /// <summary>This machine's kind: v1 controllers, an empty cgroup2 beside them.</summary>
    private const string HybridCgroup = """
        9:name=systemd:/
        8:pids:/
        4:memory:/process_api/d775
        2:cpuacct:/
        1:cpu:/
        0::/
        """;

    private const string HybridMounts = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    private const string UnifiedMounts = """
        25 30 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
        26 25 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:8 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
        """;

    [Fact]
    public void Parse_Hybrid_V1PerController()
    {
        var layout = CgroupLayout.Parse(HybridCgroup, HybridMounts);

        Assert.NotNull(layout);
        Assert.Equal(CgroupVersion.V1, layout.Version);
        Assert.Equal("/sys/fs/cgroup/memory/process_api/d775", layout.Directories["memory"]);
        Assert.Equal("/sys/fs/cgroup/cpu", layout.Directories["cpu"]);
        Assert.Equal("/sys/fs/cgroup/pids", layout.Directories["pids"]);
    }

    [Fact]
    public void Parse_CpuMountedWithCpuacct_SharedDirectory()
    {
        var layout = CgroupLayout.Parse(
            "4:memory:/a\n3:cpu,cpuacct:/a\n",
            "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n");

        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/a", layout!.Directories["cpu"]);
        Assert.False(layout.Directories.ContainsKey("pids"));
    }

    [Fact]
    public void Parse_Unified_V2WithTheProcessCgroup()
    {
        var layout = CgroupLayout.Parse("0::/user.slice/user-1000.slice/user@1000.service/app.slice/func.scope\n", UnifiedMounts);

        Assert.NotNull(layout);
        Assert.Equal(CgroupVersion.V2, layout.Version);
        Assert.Equal("/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/func.scope", layout.Directories[CgroupLayout.Unified]);
    }

    [Fact]
    public void Parse_ContainerWithItsCgroupAsMountRoot_PathBelowTheRoot()
    {
        var layout = CgroupLayout.Parse(
            "0::/kubepods/pod1/ctr/app\n",
            "26 25 0:23 /kubepods/pod1/ctr /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n");

        Assert.Equal("/sys/fs/cgroup/app", layout!.Directories[CgroupLayout.Unified]);
    }

    [Fact]
    public void Parse_CgroupOutsideTheMount_Unusable()
    {
        Assert.Null(CgroupLayout.Parse("0::/elsewhere\n", "26 25 0:23 /kubepods /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"));
    }

    [Fact]
    public void Parse_EscapedMountPoint_Unescaped()
    {
        var layout = CgroupLayout.Parse("0::/\n", "26 25 0:23 / /mnt/cg\\040roups rw - cgroup2 cgroup2 rw\n");

        Assert.Equal("/mnt/cg roups", layout!.Directories[CgroupLayout.Unified]);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("0::/\n", "")] // no cgroup2 mount
    [InlineData("garbage", "garbage line without separator")]
    public void Parse_NothingUsable_Null(string cgroup, string mounts)
    {
        Assert.Null(CgroupLayout.Parse(cgroup, mounts));
    }
}
