using Serverless.Core.Contracts;
using Serverless.TestSupport;
using Xunit.Abstractions;
using static Serverless.Backends.Local.Tests.Processes.BackendHarness;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>Issue #18 item 1: what the HPA class reads of each instance, from a real process (cgroup where the machine has one, else /proc).</summary>
public sealed class LocalProcessBackendUsageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly BackendHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Usage_BurningAndAllocatingInstance_ReportsItsCpuTimeAndMemory()
    {
        var backend = _harness.Start();
        await backend.EnsureAsync(_harness.Spec(env: [("FAKE_BURN_MS", "700"), ("FAKE_ALLOCATE_MB", "48")]), 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");
        var instance = Assert.Single(backend.GetInstances(Key));
        await Poll.UntilAsync(() => backend.TailInstanceLog(Key, instance.Id, 50).Any(l => l.EndsWith("burned", StringComparison.Ordinal)), "burned");

        var usage = Assert.Single(backend.Usage(Key));

        Assert.Equal(instance.Id, usage.InstanceId);
        Assert.True(usage.Ready);
        Assert.True(usage.CpuSeconds >= 0.7, $"cpu seconds {usage.CpuSeconds} after spinning for 0.7 s of CPU time");
        Assert.True(usage.MemoryBytes >= 48L << 20, $"memory {usage.MemoryBytes} after allocating 48 MiB");
        Assert.Equal(1000, usage.CpuRequestMillicores); // no request or limit: one core
    }

    [Fact]
    public async Task Usage_CpuRequest_IsWhatUtilizationIsRelativeTo()
    {
        var backend = _harness.Start();
        await backend.EnsureAsync(_harness.Spec() with { Resources = new WorkloadResources { CpuRequestMillicores = 250, CpuLimitMillicores = 500 } }, 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");

        Assert.Equal(250, Assert.Single(backend.Usage(Key)).CpuRequestMillicores);
        Assert.Empty(backend.Usage(new FunctionKey("default", "absent")));
    }
}
