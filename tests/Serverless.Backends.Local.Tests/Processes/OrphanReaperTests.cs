using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Local.Processes;
using Serverless.Hosting.Processes;
using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class OrphanReaperTests : IDisposable
{
    private readonly TempDirectory _temp = new("procs-reaper");
    private readonly List<Process> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }

            process.Dispose();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task Reap_StalePidFiles_KillsMatchingIgnoresReusedPidAndDeletesAll()
    {
        var instances = Path.Combine(_temp.Path, "instances");
        var orphan = StartSleep();
        var bystander = StartSleep();
        PidFile.Write(Path.Combine(instances, "orphan.pid"), orphan.Id, ProcStat.TryReadStartTime(orphan.Id)!.Value);

        // Same pid, other start time: the pid was reused by an unrelated process since the file was written.
        PidFile.Write(Path.Combine(instances, "reused.pid"), bystander.Id, ProcStat.TryReadStartTime(bystander.Id)!.Value - 1);
        File.WriteAllText(Path.Combine(instances, "garbage.pid"), "not a pid file");
        PidFile.Write(Path.Combine(instances, "gone.pid"), int.MaxValue, 1);

        var killed = OrphanReaper.Reap(instances, NullLogger.Instance);

        Assert.Equal(1, killed);
        Assert.Empty(await ProcessTree.WaitForExitAsync([orphan.Id], TimeSpan.FromSeconds(10)));
        Assert.True(orphan.WaitForExit(5000));
        Assert.False(bystander.HasExited);
        Assert.Empty(Directory.GetFiles(instances));
    }

    [Fact]
    public void Reap_NoDirectory_NothingToDo()
    {
        Assert.Equal(0, OrphanReaper.Reap(Path.Combine(_temp.Path, "missing"), NullLogger.Instance));
    }

    [Fact]
    public async Task Constructor_StalePidFileInStateDirectory_KillsOrphan()
    {
        var orphan = StartSleep();
        PidFile.Write(Path.Combine(_temp.Path, "instances", "hello-abc-1.pid"), orphan.Id, ProcStat.TryReadStartTime(orphan.Id)!.Value);

        await using (new LocalProcessBackend(new LocalBackendOptions { StateDirectory = _temp.Path }, NullLogger<LocalProcessBackend>.Instance, TimeProvider.System))
        {
            Assert.True(orphan.WaitForExit(10_000));
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(_temp.Path, "instances")));
    }

    private Process StartSleep()
    {
        var process = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        _processes.Add(process);
        return process;
    }
}
