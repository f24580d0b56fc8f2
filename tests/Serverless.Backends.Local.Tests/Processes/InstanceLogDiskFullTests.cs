using System.Text;
using Serverless.Backends.Local.Processes;
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
}
