using Serverless.Hosting.Processes;
using Serverless.TestSupport;

namespace Serverless.Hosting.Tests.Processes;

public sealed class LogTailTests : IDisposable
{
    private readonly TempDirectory _temp = new("procs-tail");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(0, 0, 2, new int[0])] // no log at all
    [InlineData(5, 0, 2, new[] { 3, 4 })]
    [InlineData(5, 0, 5, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(5, 0, 50, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(2, 3, 4, new[] { 101, 102, 0, 1 })] // continues into the rotated file
    [InlineData(0, 3, 2, new[] { 101, 102 })] // rotated just now: the current file is not created yet
    [InlineData(3000, 0, 1, new[] { 2999 })] // several chunks back
    [InlineData(3000, 0, 0, new int[0])]
    public void ReadLastLines_Files_NewestLinesOldestFirst(int currentLines, int rotatedLines, int count, int[] expected)
    {
        var path = Path.Combine(_temp.Path, "i.log");
        if (currentLines > 0)
        {
            File.WriteAllLines(path, Enumerable.Range(0, currentLines).Select(i => $"{i} some text"));
        }

        if (rotatedLines > 0)
        {
            File.WriteAllLines(path + ".1", Enumerable.Range(100, rotatedLines).Select(i => $"{i} some text"));
        }

        var lines = LogTail.ReadLastLines(path, count);

        Assert.Equal(expected, lines.Select(l => int.Parse(l.Split(' ')[0])).ToArray());
    }

    [Fact]
    public void ReadLastLines_LastLineWithoutNewline_Included()
    {
        var path = Path.Combine(_temp.Path, "i.log");
        File.WriteAllText(path, "a\nb\nc");

        Assert.Equal(["b", "c"], LogTail.ReadLastLines(path, 2));
    }

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
    public void ReadLastLines_LargeLog_LastLinesWithoutTheCutFragment()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "platform.log");
        File.WriteAllLines(path, Enumerable.Range(0, 10_000).Select(i => $"line {i} " + new string('x', 40)));

        var tail = LogTail.ReadLastLines(path, 20);

        Assert.Equal(20, tail.Count);
        Assert.StartsWith("line 9980 ", tail[0], StringComparison.Ordinal);
        Assert.StartsWith("line 9999 ", tail[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLastLines_NoLog_Empty()
    {
        using var dir = new TempDirectory();

        Assert.Empty(LogTail.ReadLastLines(Path.Combine(dir.Path, "none.log"), 20));
    }
}
