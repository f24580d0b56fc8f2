using System.Diagnostics;
using System.Net.Http.Json;
using Serverless.Backends.Local.Processes;
using Serverless.Core.Contracts;
using Serverless.TestSupport;
using Xunit.Abstractions;
using static Serverless.Backends.Local.Tests.Processes.BackendHarness;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>The supervisor against real processes (the fake runtime on loopback ports): scale-down drains, revision rolls, delete and dispose.</summary>
public sealed class LocalProcessBackendScalingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly BackendHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task ScaleAsync_ThreeToOne_NewestTwoLeaveEndpointsThenDrainOnSigterm()
    {
        var backend = _harness.Start();
        await backend.EnsureAsync(_harness.Spec(env: ("FAKE_DRAIN_MS", "300")), 3);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 3, "3 ready");
        var before = backend.GetInstances(Key);

        await backend.ScaleAsync(Key, 1);

        // Out of the endpoints as soon as the call returns, before the processes are gone.
        var kept = Assert.Single(backend.GetReadyEndpoints(Key));
        Assert.Equal(before[0].Id, kept.Id);
        var drained = before.Skip(1).ToList();
        Assert.Empty(await ProcessTree.WaitForExitAsync(drained.Select(i => i.Pid), Poll.DefaultTimeout));
        await Poll.UntilAsync(() => backend.GetInstances(Key).Count == 1, "drained instances gone");
        foreach (var instance in drained)
        {
            var log = backend.TailInstanceLog(Key, instance.Id, 50);
            Assert.Contains(log, l => l.EndsWith("draining", StringComparison.Ordinal));
            Assert.Contains(log, l => l.EndsWith("drained, exiting", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(backend.TailInstanceLog(Key, kept.Id, 50), l => l.EndsWith("draining", StringComparison.Ordinal));
        Assert.Equal(new WorkloadStatus { Revision = RevisionA, DesiredReplicas = 1, Replicas = 1, ReadyReplicas = 1 }, backend.GetStatus(Key));
    }

    [Fact]
    public async Task ScaleAsync_InstanceIgnoringSigterm_KilledAfterTimeoutPlusGrace()
    {
        var backend = _harness.Start(o => o.DrainGraceExtra = TimeSpan.FromMilliseconds(300));
        await backend.EnsureAsync(_harness.Spec(timeoutSeconds: 1, env: ("FAKE_IGNORE_SIGTERM", "1")), 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "ready");
        var instance = Assert.Single(backend.GetInstances(Key));
        var clock = Stopwatch.StartNew();

        await backend.ScaleAsync(Key, 0);

        Assert.Empty(backend.GetReadyEndpoints(Key));
        Assert.Empty(await ProcessTree.WaitForExitAsync([instance.Pid], Poll.DefaultTimeout));
        var elapsed = clock.Elapsed;
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(1250), $"killed after {elapsed}, before 1 s timeout + 0.3 s grace");
        Assert.Contains(backend.TailInstanceLog(Key, instance.Id, 20), l => l.EndsWith("ignoring SIGTERM", StringComparison.Ordinal));
        await Poll.UntilAsync(() => backend.GetStatus(Key)!.Replicas == 0, "no replicas");
    }

    [Fact]
    public async Task EnsureAsync_NewRevision_RollsWithoutAMomentOfZeroReadyEndpoints()
    {
        var backend = _harness.Start();
        await backend.EnsureAsync(_harness.Spec(), 2);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 2, "revision A ready");
        var old = backend.GetInstances(Key);
        var minimumAtEvents = int.MaxValue;
        backend.EndpointsChanged += key => InterlockedMin(ref minimumAtEvents, backend.GetReadyEndpoints(key).Count);
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            var minimum = int.MaxValue;
            var samples = 0;
            while (!stopSampling.IsCancellationRequested && samples < 100_000)
            {
                minimum = Math.Min(minimum, backend.GetReadyEndpoints(Key).Count);
                samples++;
                await Task.Delay(1);
            }

            return minimum;
        });

        await backend.EnsureAsync(_harness.Spec(RevisionB, env: ("FAKE_READY_DELAY_MS", "300")), 5);
        await Poll.UntilAsync(
            () => backend.GetInstances(Key) is { Count: 2 } all && all.All(i => i.Revision == RevisionB && i.State == LocalInstanceState.Ready),
            "revision B alone and ready");
        await stopSampling.CancelAsync();

        Assert.True(await sampler >= 1, "a sample saw no ready endpoint");
        Assert.True(minimumAtEvents >= 1, "an EndpointsChanged saw no ready endpoint");
        Assert.Empty(await ProcessTree.WaitForExitAsync(old.Select(i => i.Pid), Poll.DefaultTimeout));
        Assert.All(backend.GetReadyEndpoints(Key), e => Assert.StartsWith("hello-bbbbbbbb-", e.Id));
        Assert.Equal(new WorkloadStatus { Revision = RevisionB, DesiredReplicas = 2, Replicas = 2, ReadyReplicas = 2 }, backend.GetStatus(Key));
    }

    [Fact]
    public async Task EnsureAsync_FailingNewRevision_OldRevisionKeepsServing()
    {
        var backend = _harness.Start();
        await backend.EnsureAsync(_harness.Spec(), 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 1, "revision A ready");
        var old = Assert.Single(backend.GetInstances(Key));

        await backend.EnsureAsync(_harness.Spec(RevisionB, env: ("FAKE_CRASH_ON_START", "1")), 1);
        await Poll.UntilAsync(
            () => backend.ListLogFiles(Key).Count(f => f.InstanceId.StartsWith("hello-bbbbbbbb-", StringComparison.Ordinal)) >= 2
                && backend.GetStatus(Key)!.Failure is not null,
            "revision B failing twice");

        var endpoint = Assert.Single(backend.GetReadyEndpoints(Key));
        Assert.Equal(old.Id, endpoint.Id);
        var reply = await _harness.Http.GetFromJsonAsync<FakeReply>($"http://{endpoint.Authority}/still-here");
        Assert.Equal(old.Id, reply!.Instance);
        var status = backend.GetStatus(Key)!;
        Assert.Equal(RevisionB, status.Revision);
        Assert.Equal(0, status.ReadyReplicas);
        Assert.Equal(WorkloadFailureReason.StartFailed, status.Failure!.Reason);
    }

    [Fact]
    public async Task DeleteAsync_RunningInstances_DrainedAndStatusGone()
    {
        var backend = _harness.Start();
        await backend.EnsureAsync(_harness.Spec(), 2);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 2, "2 ready");
        var pids = backend.GetInstances(Key).Select(i => i.Pid).ToList();

        await backend.DeleteAsync(Key);

        Assert.Null(backend.GetStatus(Key));
        Assert.Empty(backend.GetReadyEndpoints(Key));
        Assert.Empty(await ProcessTree.WaitForExitAsync(pids, Poll.DefaultTimeout));
        await backend.DeleteAsync(Key);
    }

    [Fact]
    public async Task DisposeAsync_RunningAndStubbornInstances_NoChildLeftAlive()
    {
        var backend = _harness.Start(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(500));
        var stubborn = new FunctionKey("default", "stubborn");
        await backend.EnsureAsync(_harness.Spec(), 2);
        await backend.EnsureAsync(_harness.Spec(env: ("FAKE_IGNORE_SIGTERM", "1")) with { Key = stubborn, TimeoutSeconds = 300 }, 1);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 2 && backend.GetReadyEndpoints(stubborn).Count == 1, "3 ready");
        var pids = backend.GetInstances(Key).Concat(backend.GetInstances(stubborn)).Select(i => i.Pid).ToList();
        var clock = Stopwatch.StartNew();

        await backend.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"dispose took {clock.Elapsed}");
        Assert.DoesNotContain(pids, ProcessTree.IsAlive);
        Assert.Empty(Directory.GetFiles(Path.Combine(_harness.TempPath, "state", "instances")));
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("dispose")]
    public async Task StopDuringLargeScaleUp_ReturnsWithinASecondAndLeavesNoProcess(string how)
    {
        var backend = _harness.Start(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var ensure = backend.EnsureAsync(_harness.Spec(), 60);

        // The scale-up runs under the workload's lock; each start makes its log file first.
        await Poll.UntilAsync(() => backend.ListLogFiles(Key).Count >= 3, "the scale-up under way");
        var clock = Stopwatch.StartNew();
        if (how == "delete")
        {
            await backend.DeleteAsync(Key);
        }
        else
        {
            await backend.DisposeAsync();
        }

        var stopped = clock.Elapsed;
        await ensure;
        var started = backend.ListLogFiles(Key).Count;
        output.WriteLine($"{how} returned after {stopped.TotalMilliseconds} ms; {started} of 60 instances had started");
        Assert.True(stopped < TimeSpan.FromSeconds(1) || how == "dispose", $"{how} took {stopped}");
        Assert.True(started < 60, "the scale-up was not interrupted");
        await Poll.UntilAsync(() => ProcessTree.WithEnvironment("FUNCTION_PATH", _harness.SourcePath).Count == 0, "no instance process left");
    }

    /// <summary>
    /// The platform stops its controller loop before it disposes the backend: a scale-up under way must end at the
    /// loop's cancellation, not run its 60 starts first (a shutdown took 15-23 s on a loaded machine). A caller that
    /// gives up does not cancel the decision: the workload goes on by itself.
    /// </summary>
    [Fact]
    public async Task EnsureAsync_CancelledDuringLargeScaleUp_ReturnsWithinASecondAndTheScaleUpGoesOnByItself()
    {
        var backend = _harness.Start(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        using var caller = new CancellationTokenSource();
        var ensure = backend.EnsureAsync(_harness.Spec(), 60, caller.Token);
        await Poll.UntilAsync(() => backend.ListLogFiles(Key).Count >= 3, "the scale-up under way");
        var clock = Stopwatch.StartNew();

        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ensure);

        var returned = clock.Elapsed;
        var startedThen = backend.ListLogFiles(Key).Count;
        output.WriteLine($"EnsureAsync ended {returned.TotalMilliseconds} ms after the cancel; {startedThen} of 60 instances had started");
        Assert.True(returned < TimeSpan.FromSeconds(1), $"EnsureAsync took {returned} to give up");
        Assert.True(startedThen < 60, "the scale-up was not interrupted");
        await Poll.UntilAsync(() => backend.ListLogFiles(Key).Count > startedThen + 2, "the scale-up going on after the caller gave up");
    }

    [Fact]
    public async Task EnsureAsync_OverMaxInstances_StartsOnlyUpToTheCap()
    {
        var backend = _harness.Start(o => o.MaxInstances = 3);
        var other = new FunctionKey("default", "other");
        await backend.EnsureAsync(_harness.Spec() with { Key = other }, 1);

        await backend.EnsureAsync(_harness.Spec(), 5);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 2, "2 ready");
        await Task.Delay(1500); // past the cap's retry

        Assert.Equal(2, backend.GetInstances(Key).Count);
        Assert.Equal(5, backend.GetStatus(Key)!.DesiredReplicas);

        // Room made elsewhere is taken up.
        await backend.DeleteAsync(other);
        await Poll.UntilAsync(() => backend.GetReadyEndpoints(Key).Count == 3, "3 ready once the other function is gone");
    }

    private static void InterlockedMin(ref int target, int value)
    {
        int current;
        while (value < (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
