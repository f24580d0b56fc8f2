using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Local.Processes;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>An instance's log on a full file system (a small tmpfs, mounted as root as CI runs).</summary>
public sealed class InstanceLogDiskFullTests
{
    // Issue #14 item 2: the pump caught the IOException and returned, so the function blocked on its next 64 KiB.
    [Fact]
    public async Task Pump_DiskFull_KeepsDrainingCountsTheDropsAndSaysSoOnceRecovered()
    {
        await using var disk = await SmallFileSystem.MountAsync("1m");
        var path = Path.Combine(disk.Path, "logs", "fn-1.log");
        using var log = new InstanceLogWriter(path, 10 * 1024 * 1024, TimeProvider.System);
        var dropped = 0;
        var recovered = new List<long>();
        log.LineDropped += () => Interlocked.Increment(ref dropped);
        log.Recovered += recovered.Add;
        var filler = disk.Fill();

        // 2 MiB of output into a full disk: every line is read and dropped, none blocks or ends the pump.
        var output = new MemoryStream(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string('x', 1023) + "\n", 2048))));
        await OutputPump.RunAsync(output, "stdout", log).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(output.Length, output.Position);
        Assert.Equal(2048, dropped);
        Assert.Empty(recovered);

        File.Delete(filler);
        log.WriteLine("stdout", "back"u8);

        Assert.Equal([2048L], recovered);
        var text = await File.ReadAllTextAsync(path);
        Assert.Contains(" serverless 2048 line(s) of output were lost: the log could not be written\n", text, StringComparison.Ordinal);
        Assert.EndsWith(" stdout back\n", text, StringComparison.Ordinal);
    }

    // Issue #17's follow-up: every revision runs as a workload keyed by its name, and the drop was counted under that
    // key (function="default/hello-00002"); it is the Function's, with the revision beside it.
    [Theory]
    [InlineData("a revision's workload", "hello-00002", "hello", "hello-00002", "default/hello hello-00002")]
    [InlineData("the Function's own workload", "hello", null, "hello-00001", "default/hello hello-00001")]
    [InlineData("no revisions cut", "hello", null, null, "default/hello ")]
    public async Task LineDropped_Instance_CountedUnderItsFunctionAndRevision(string label, string key, string? function, string? revision, string expected)
    {
        await using var disk = await SmallFileSystem.MountAsync("1m");
        var spec = new WorkloadSpec
        {
            Key = new FunctionKey("default", key),
            Function = function,
            RevisionName = revision,
            Revision = "r1",
            Runtime = "node",
            Handler = "index.js:handle",
            TimeoutSeconds = 30,
            ContainerConcurrency = 0,
        };
        var counted = new List<string>();
        var instance = new LocalInstance(
            "hello-00002-r1-1", 1, spec, 1, 2, Path.Combine(disk.Path, "logs", "i.log"), Path.Combine(disk.Path, "i.pid"), 10 * 1024 * 1024,
            TimeProvider.System, NullLogger.Instance, (f, r) => counted.Add($"{f} {r}"));
        disk.Fill();

        // More than the 1 MiB file system holds, one 1 KiB line at a time, until one is dropped.
        var line = Encoding.ASCII.GetBytes(new string('x', 1023));
        for (var i = 0; i < 2048 && counted.Count == 0; i++)
        {
            instance.Log.WriteLine("stdout", line);
        }

        instance.Log.Dispose();
        Assert.True(counted.Count > 0 && counted.All(c => c == expected), $"{label}: [{string.Join(", ", counted)}]");
    }
}
