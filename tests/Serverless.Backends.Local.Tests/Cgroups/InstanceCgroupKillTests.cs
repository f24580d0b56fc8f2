using Serverless.Backends.Local.Cgroups;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Cgroups;

/// <summary>
/// <see cref="InstanceCgroup.KillAll"/> when a thread of the platform is inside the instance's cgroup (v1, where a
/// cgroup lists a process when any of its threads is in it): the instance's processes die, the platform does not. Seen
/// before the fix: .NET's signal thread, created by the spawner's first fork while it stood in an instance's cgroup,
/// stayed there, and stopping that instance SIGKILLed the platform (the test host died).
/// </summary>
public sealed class InstanceCgroupKillTests
{
    [Fact]
    public void KillAll_PlatformThreadInside_KillsTheInstanceNotThePlatform()
    {
        using var state = new TempDirectory("cgroup-kill");
        var tree = CgroupTree.TrySetUp(state.Path, out var unavailable);
        Assert.True(tree is not null, $"cgroups: {unavailable}"); // root on these machines
        try
        {
            var cgroup = tree.Create("kill-test-1", WorkloadResources.None, pidsLimit: 64);
            // Only events between the threads: a task continuation could make the thread in the cgroup start a thread
            // pool worker, born in there too.
            using var entered = new ManualResetEventSlim();
            using var leave = new ManualResetEventSlim();
            var inside = false;
            var stranger = new Thread(() =>
            {
                inside = cgroup.TryEnterAsThread();
                entered.Set();
                leave.Wait();
                cgroup.LeaveAsThread();
            }) { IsBackground = true, Name = "test-thread-in-an-instance-cgroup" };
            stranger.Start();
            entered.Wait();
            if (!inside)
            {
                // v2: a cgroup holds whole processes, never one thread of the platform (TryEnterAsThread refuses there).
                Assert.Equal(CgroupVersion.V2, tree.Version);
                leave.Set();
                return;
            }

            using var sleeper = System.Diagnostics.Process.Start("sleep", "30");
            cgroup.Attach(sleeper.Id);
            Assert.Contains(Environment.ProcessId, cgroup.Processes());

            var empty = cgroup.KillAll();

            Assert.True(sleeper.WaitForExit(TimeSpan.FromSeconds(5)), "the instance's process was killed");
            Assert.True(empty);
            leave.Set();
            stranger.Join();
            Assert.True(!cgroup.Processes().Contains(Environment.ProcessId), Tasks(cgroup));
            Assert.True(cgroup.Delete());
        }
        finally
        {
            tree.Remove();
        }
    }

    private static string Tasks(InstanceCgroup cgroup) => string.Join("; ", cgroup.Directories.Values.Distinct().Select(d =>
        d + ": " + string.Join(" ", File.ReadAllLines(Path.Combine(d, "tasks")).Select(t => t + "/" + (File.Exists($"/proc/self/task/{t}/comm") ? File.ReadAllText($"/proc/self/task/{t}/comm").Trim() : "?")))));
}
