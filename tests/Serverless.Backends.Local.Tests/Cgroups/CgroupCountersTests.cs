using Serverless.Backends.Local.Cgroups;

namespace Serverless.Backends.Local.Tests.Cgroups;

public sealed class CgroupCountersTests
{
    [Theory]
    [InlineData("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n", 1)] // v2 memory.events
    [InlineData("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", 2)] // v1 memory.oom_control
    [InlineData("oom_kill_disable 0\nunder_oom 0\n", 0)] // older kernels: no counter
    [InlineData("", 0)]
    public void Read_OomKill_TheCount(string text, long expected)
    {
        Assert.Equal(expected, CgroupCounters.Read(text, "oom_kill"));
    }
}
