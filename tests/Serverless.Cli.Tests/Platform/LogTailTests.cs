using Serverless.Cli.Platform;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Platform;

public sealed class LogTailTests
{
    [Theory]
    [InlineData("", 3, new string[0])]
    [InlineData("a\nb\n", 3, new[] { "a", "b" })]
    [InlineData("a\nb\nc\nd\n", 2, new[] { "c", "d" })]
    [InlineData("a\r\nb", 5, new[] { "a", "b" })]
    public void Last_Text_LastLines(string text, int count, string[] expected)
    {
        Assert.Equal(expected, LogTail.Last(text, count));
    }

    [Fact]
    public void Read_LargeLog_LastLinesWithoutTheCutFragment()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "platform.log");
        File.WriteAllLines(path, Enumerable.Range(0, 10_000).Select(i => $"line {i} " + new string('x', 40)));

        var tail = LogTail.Read(path, 20);

        Assert.Equal(20, tail.Count);
        Assert.StartsWith("line 9980 ", tail[0], StringComparison.Ordinal);
        Assert.StartsWith("line 9999 ", tail[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoLog_Empty()
    {
        using var dir = new TempDirectory();

        Assert.Empty(LogTail.Read(Path.Combine(dir.Path, "none.log"), 20));
    }
}
