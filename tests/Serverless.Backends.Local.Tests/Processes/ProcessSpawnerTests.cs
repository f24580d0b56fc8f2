using System.Diagnostics;
using Serverless.Backends.Local.Cgroups;
using Serverless.Backends.Local.Processes;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class ProcessSpawnerTests
{
    private const string Setpriv = "/usr/bin/setpriv";

    [Fact]
    public async Task ParentDeathSignal_ForkingThreadExits_ChildKilled()
    {
        // The Linux behaviour the spawner exists for: the signal follows the forking thread, not the process.
        Assert.True(File.Exists(Setpriv), "these tests need " + Setpriv);
        Process? child = null;
        var forker = new Thread(() =>
        {
            child = Process.Start(SleepWithParentDeathSignal());

            // setpriv arms the signal just before it execs sleep; a parent gone before that is not noticed.
            WaitUntilExecuted(child!.Id);
        });
        forker.Start();
        forker.Join();

        using (child)
        {
            Assert.NotNull(child);
            Assert.Empty(await ProcessTree.WaitForExitAsync([child.Id], TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task StartAsync_CallerThreadExits_ChildLivesUntilSpawnerDisposed()
    {
        Assert.True(File.Exists(Setpriv), "these tests need " + Setpriv);
        var spawner = new ProcessSpawner();
        Process? child = null;
        try
        {
            var caller = new Thread(() => child = spawner.StartAsync(SleepWithParentDeathSignal()).GetAwaiter().GetResult());
            caller.Start();
            caller.Join();
            Assert.NotNull(child);
            WaitUntilExecuted(child.Id);

            await Task.Delay(300);
            Assert.True(ProcessTree.IsAlive(child.Id), "the child must live as long as the spawner thread");
        }
        finally
        {
            spawner.Dispose();
        }

        using (child)
        {
            Assert.Empty(await ProcessTree.WaitForExitAsync([child.Id], TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task StartAsync_MissingExecutable_FailsThatStartOnly()
    {
        using var spawner = new ProcessSpawner();

        await Assert.ThrowsAsync<System.ComponentModel.Win32Exception>(() => spawner.StartAsync(new ProcessStartInfo("/nonexistent/binary")));

        using var child = await spawner.StartAsync(new ProcessStartInfo("true") { UseShellExecute = false });
        Assert.True(child.WaitForExit(10_000));
    }

    private static void WaitUntilExecuted(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (ReadComm(pid) != "sleep" && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(5);
        }
    }

    private static string? ReadComm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static ProcessStartInfo SleepWithParentDeathSignal()
    {
        var info = new ProcessStartInfo(Setpriv) { UseShellExecute = false };
        foreach (var argument in new[] { "--pdeathsig", "KILL", "--", "sleep", "30" })
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    // The child reads its own cgroup first thing: born inside, it can only ever see the instance's. The spawner thread
    // is back in the platform's cgroup after, so the next child (none given) is born outside.
    [Fact]
    public async Task StartAsync_WithCgroup_ChildBornInsideAndTheNextOneOutside()
    {
        using var state = new TempDirectory("spawner-cgroup");
        var tree = CgroupTree.TrySetUp(state.Path, out var unavailable);
        Assert.True(tree is not null && unavailable is null, "these tests run as root, where cgroups work: " + unavailable);
        var cgroup = tree.Create("spawner-test", WorkloadResources.None, pidsLimit: 100);
        using var spawner = new ProcessSpawner();
        try
        {
            var (inside, born) = await spawner.StartAsync(CatOwnCgroup(), handshake: null, cgroup);
            using (inside)
            {
                Assert.True(born, "v1 here: the spawner thread steps into the cgroup for the fork");
                Assert.Contains("/spawner-test", MemoryLine(await inside.StandardOutput.ReadToEndAsync()), StringComparison.Ordinal);
            }

            using var outside = await spawner.StartAsync(CatOwnCgroup());
            Assert.DoesNotContain("/spawner-test", MemoryLine(await outside.StandardOutput.ReadToEndAsync()), StringComparison.Ordinal);
        }
        finally
        {
            cgroup.KillAll();
            cgroup.Delete();
            tree.Remove();
        }
    }

    private static ProcessStartInfo CatOwnCgroup() =>
        new("cat", ["/proc/self/cgroup"]) { UseShellExecute = false, RedirectStandardOutput = true };

    private static string MemoryLine(string procCgroup) =>
        procCgroup.Split('\n').Single(l => l.Split(':', 3) is [_, var controllers, _] && controllers.Split(',').Contains("memory"));
}
