using System.Diagnostics;
using Serverless.Hosting.Processes;

namespace Serverless.Hosting.Tests.Processes;

public sealed class ProcStatTests
{
    private const string Tail = "S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654 20 21";

    [Theory]
    [InlineData("42 (python3) " + Tail, 987654L)]
    [InlineData("42 (my prog) " + Tail, 987654L)] // spaces in the command name
    [InlineData("42 (a) b) (c) " + Tail, 987654L)] // parentheses in the command name
    [InlineData("42 (python3) S 1 2", null)] // truncated
    [InlineData("garbage", null)]
    public void ParseStartTime_StatLine_Field22(string stat, long? expected)
    {
        Assert.Equal(expected, ProcStat.ParseStartTime(stat));
    }

    [Theory]
    [InlineData("42 (python3) " + Tail, 23L)] // utime 11 + stime 12 (fields 14 and 15)
    [InlineData("42 (a) b) (c) " + Tail, 23L)]
    [InlineData("42 (python3) S 1 2 3 4 5 6 7 8 9 10 11", null)] // truncated before stime
    [InlineData("garbage", null)]
    public void ParseCpuTicks_StatLine_UserPlusSystem(string stat, long? expected)
    {
        Assert.Equal(expected, ProcStat.ParseCpuTicks(stat));
    }

    [Fact]
    public void TryReadCpuSeconds_ThisProcess_GrowsWithWork()
    {
        var before = ProcStat.TryReadCpuSeconds(Environment.ProcessId);
        var watch = Stopwatch.StartNew();
        var spin = 0L;
        while (watch.ElapsedMilliseconds < 300)
        {
            spin++;
        }

        var after = ProcStat.TryReadCpuSeconds(Environment.ProcessId);

        Assert.True(spin > 0);
        Assert.NotNull(before);
        Assert.True(after > before, $"cpu seconds {before} → {after}");
        Assert.Null(ProcStat.TryReadCpuSeconds(int.MaxValue));
    }

    [Theory]
    [InlineData("running", "1234 (dotnet) S 1 1234", true)]
    [InlineData("running on a CPU", "1234 (dotnet) R 1 1234", true)]
    [InlineData("zombie awaiting its parent", "1234 (dotnet) Z 1 1234", false)]
    [InlineData("dead", "1234 (dotnet) X 1 1234", false)]
    [InlineData("name with spaces and parens", "77 (my (odd) name) S 1", true)]
    [InlineData("zombie with a tricky name", "77 (a) Z (b) Z 1", false)]
    [InlineData("garbage", "nonsense", false)]
    public void IsRunningState_StatLine_ReadsTheStateField(string label, string stat, bool expected)
    {
        Assert.True(expected == ProcStat.IsRunningState(stat), label);
    }

    [Fact]
    public void TryReadStartTime_OwnProcess_StableAndMissingPidNull()
    {
        var pid = Environment.ProcessId;
        var first = ProcStat.TryReadStartTime(pid);

        Assert.NotNull(first);
        Assert.Equal(first, ProcStat.TryReadStartTime(pid));
        Assert.Null(ProcStat.TryReadStartTime(int.MaxValue));
    }

    [Fact]
    public void TryReadStartTime_ChildStartedLater_IsNotEarlierThanOwn()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "5") { UseShellExecute = false })!;
        try
        {
            Assert.True(ProcStat.TryReadStartTime(child.Id) >= ProcStat.TryReadStartTime(Environment.ProcessId));
        }
        finally
        {
            child.Kill();
            child.WaitForExit(5000);
        }
    }
}
