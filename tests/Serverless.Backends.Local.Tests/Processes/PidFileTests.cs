using Serverless.Backends.Local.Processes;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class PidFileTests
{
    [Theory]
    [InlineData("123 456\n", 123, 456L)]
    [InlineData("  123   456  ", 123, 456L)]
    [InlineData("123", null, null)]
    [InlineData("123 456 789", null, null)]
    [InlineData("0 456", null, null)] // pid 0 would signal our own process group
    [InlineData("-1 456", null, null)]
    [InlineData("abc 456", null, null)]
    [InlineData("", null, null)]
    public void Parse_Content_PidAndStartTimeOrNull(string content, int? pid, long? startTime)
    {
        var parsed = PidFile.Parse(content);

        Assert.Equal(pid, parsed?.Pid);
        Assert.Equal(startTime, parsed?.StartTime);
    }
}
