using Serverless.Backends.Local.Processes;
using Serverless.Backends.Local.Tests.Processes;
using Serverless.Core.Contracts;
using Xunit.Abstractions;
using static Serverless.Backends.Local.Tests.Processes.BackendHarness;

namespace Serverless.Backends.Local.Tests.Cgroups;

/// <summary>Limits from <c>spec.resources</c> on real instances (this test runs as root, where cgroups work).</summary>
public sealed class InstanceCgroupTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly BackendHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Instance_OverItsMemoryLimit_KilledAndReportedOomKilled(bool sandboxed)
    {
        var backend = _harness.Start(o => o.Sandbox.Enabled = sandboxed);
        Assert.Null(backend.ResourceLimitsUnavailable);
        var spec = _harness.Spec(env: ("FAKE_ALLOCATE_MB", "200")) with { Resources = new WorkloadResources { MemoryLimitBytes = 64 << 20 } };

        await backend.EnsureAsync(spec, 1);
        await Poll.UntilAsync(() => backend.GetStatus(Key)?.Failure is not null, "a failure");

        var status = backend.GetStatus(Key)!;
        Assert.Equal(WorkloadFailureReason.OOMKilled, status.Failure!.Reason);
        Assert.Contains("out of memory (OOMKilled): the kernel killed it at its memory limit of 64Mi", status.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 137", status.Failure.Message, StringComparison.Ordinal);
        Assert.True(status.Resources!.Enforced, status.Resources.Message);
    }

    [Fact]
    public async Task Instance_UnderItsMemoryLimit_RunsWithLimitsEnforced()
    {
        var backend = _harness.Start();
        var spec = _harness.Spec(env: ("FAKE_ALLOCATE_MB", "8")) with { Resources = new WorkloadResources { MemoryLimitBytes = 128 << 20, CpuLimitMillicores = 500 } };

        await backend.EnsureAsync(spec, 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");

        var status = backend.GetStatus(Key)!;
        Assert.Null(status.Failure);
        Assert.Equal("Enforced", status.Resources!.Reason);
        Assert.Contains("memory 128Mi", status.Resources.Message, StringComparison.Ordinal);
        Assert.Contains("cpu 500m", status.Resources.Message, StringComparison.Ordinal);
    }

    // v1 here: the spawner thread steps into the instance's cgroups for the fork (InstanceCgroup.TryEnterAsThread),
    // so the sandbox is born inside and never waits for a move; the thread steps back out.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Instance_Started_BornInItsCgroupsAndThePlatformStaysOut(bool sandboxed)
    {
        var backend = _harness.Start(o => o.Sandbox.Enabled = sandboxed);
        var spec = _harness.Spec() with { Resources = new WorkloadResources { MemoryLimitBytes = 128 << 20 } };

        await backend.EnsureAsync(spec, 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");

        var instance = Assert.Single(backend.GetInstances(Key));
        var memory = MemoryCgroupOf(File.ReadAllText($"/proc/{instance.Pid}/cgroup"));
        Assert.EndsWith("/" + instance.Id, memory, StringComparison.Ordinal);
        var threads = 0;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            if (ThreadCgroups(task) is not { } cgroups)
            {
                continue;
            }

            threads++;
            Assert.DoesNotContain(instance.Id, MemoryCgroupOf(cgroups), StringComparison.Ordinal);
        }

        Assert.True(threads > 0, "no thread of the test process could be read");
    }

    /// <summary>A thread of ours may exit between the listing and the read (the pool's threads come and go): null then.</summary>
    private static string? ThreadCgroups(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "cgroup"));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException || (e is IOException && !Directory.Exists(task)))
        {
            return null;
        }
    }

    private static string MemoryCgroupOf(string procCgroup) =>
        procCgroup.Split('\n').Select(l => l.Split(':', 3)).Single(p => p.Length == 3 && p[1].Split(',').Contains("memory"))[2];

    [Fact]
    public async Task Status_NoLimits_NoResourceCondition()
    {
        var backend = _harness.Start();

        await backend.EnsureAsync(_harness.Spec(), 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");

        Assert.Null(backend.GetStatus(Key)!.Resources);
    }
}
