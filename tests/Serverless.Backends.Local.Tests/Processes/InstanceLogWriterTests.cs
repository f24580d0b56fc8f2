using System.Text;
using Serverless.Backends.Local.Processes;
using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class InstanceLogWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new("procs-log");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void WriteLine_Line_TimestampStreamAndText()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero));
        var path = Path.Combine(_temp.Path, "logs", "i-1.log");
        using (var writer = new InstanceLogWriter(path, 4096, time))
        {
            writer.WriteLine("stdout", "hello world"u8);
            time.Advance(TimeSpan.FromTicks(12345));
            writer.WriteLine("stderr", "oops"u8);
        }

        Assert.Equal(
            ["2025-03-04T05:06:07.890000Z stdout hello world", "2025-03-04T05:06:07.891234Z stderr oops"],
            File.ReadAllLines(path));
        Assert.Equal(InstanceLogWriter.TimestampLength, "2025-03-04T05:06:07.890000Z".Length);
    }

    [Fact]
    public void WriteLine_PastBound_RotatesKeepingOneOldFile()
    {
        var path = Path.Combine(_temp.Path, "i-1.log");
        const int max = 1024;
        using (var writer = new InstanceLogWriter(path, max, new ManualTimeProvider()))
        {
            for (var i = 0; i < 100; i++)
            {
                writer.WriteLine("stdout", Encoding.UTF8.GetBytes($"line {i:D3} " + new string('x', 40)));
            }
        }

        var current = File.ReadAllLines(path);
        var rotated = File.ReadAllLines(path + ".1");
        Assert.True(new FileInfo(path).Length <= max);
        Assert.True(new FileInfo(path + ".1").Length <= max);
        Assert.False(File.Exists(path + ".2"));
        Assert.EndsWith("line 099 " + new string('x', 40), current[^1]);

        // Together the two files hold the newest lines without gaps.
        var numbers = rotated.Concat(current).Select(l => int.Parse(l.Split(' ')[3])).ToList();
        Assert.Equal(Enumerable.Range(numbers[0], numbers.Count), numbers);
        Assert.True(numbers[0] > 0);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void WriteLine_NewAndRotatedFiles_PrivateToTheUser()
    {
        var path = Path.Combine(_temp.Path, "i-1.log");
        using (var writer = new InstanceLogWriter(path, 256, new ManualTimeProvider()))
        {
            for (var i = 0; i < 10; i++)
            {
                writer.WriteLine("stdout", Encoding.UTF8.GetBytes(new string('x', 60)));
            }
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + ".1"));
    }

    [Fact]
    public void WriteLine_AfterDispose_Dropped()
    {
        var path = Path.Combine(_temp.Path, "i-1.log");
        var writer = new InstanceLogWriter(path, 4096, new ManualTimeProvider());
        writer.WriteLine("stdout", "kept"u8);
        writer.Dispose();

        writer.WriteLine("stdout", "late"u8);

        Assert.Single(File.ReadAllLines(path));
    }
}
