using Serverless.Platform.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Admin;

public sealed class LogFollowerTests : IDisposable
{
    private readonly TempDirectory _dir = new("log-follower");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadNew_AppendsAcrossInstances_NewCompleteLinesInTimeOrder()
    {
        var a = Write("a", "2026-01-01T00:00:01.000000Z stdout old a\n");
        var b = Write("b", "");
        var follower = new LogFollower();
        follower.Start(Files(("a", a), ("b", b)));

        File.AppendAllText(a, "2026-01-01T00:00:03.000000Z stdout third\n2026-01-01T00:00:04.000000Z stdout part");
        File.AppendAllText(b, "2026-01-01T00:00:02.000000Z stderr second\n");
        var first = follower.ReadNew(Files(("a", a), ("b", b)));

        File.AppendAllText(a, "ial\n");
        var second = follower.ReadNew(Files(("a", a), ("b", b)));

        Assert.Equal(["b 2026-01-01T00:00:02.000000Z stderr second", "a 2026-01-01T00:00:03.000000Z stdout third"], first);
        Assert.Equal(["a 2026-01-01T00:00:04.000000Z stdout partial"], second);
    }

    [Fact]
    public void ReadNew_NewInstanceAndRotatedFile_ReadFromTheirStart()
    {
        var a = Write("a", "2026-01-01T00:00:01.000000Z stdout before the rotation\n");
        var follower = new LogFollower();
        follower.Start(Files(("a", a)));

        File.WriteAllText(a, "2026-01-01T00:00:05.000000Z stdout rotated\n"); // shorter than before: rotated
        var c = Write("c", "2026-01-01T00:00:06.000000Z stdout new instance\n");
        var lines = follower.ReadNew(Files(("a", a), ("c", c)));

        Assert.Equal(["a 2026-01-01T00:00:05.000000Z stdout rotated", "c 2026-01-01T00:00:06.000000Z stdout new instance"], lines);
    }

    private string Write(string instance, string text)
    {
        var path = Path.Combine(_dir.Path, instance + ".log");
        File.WriteAllText(path, text);
        return path;
    }

    private static IEnumerable<(string, string, long)> Files(params (string Instance, string Path)[] files) =>
        files.Select(f => (f.Instance, f.Path, new FileInfo(f.Path).Length)).ToList();
}
