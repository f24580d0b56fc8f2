using Serverless.Autoscaler.Tests.Fakes;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Autoscaler.Tests.Scaling;

/// <summary>
/// Issue #5: a request that arrives while a function descends to zero is served: the activator buffers it and asks
/// for a scale from zero, which waits for the descent to finish and then starts a new instance (never lost between
/// the two, never reverted by a stale decision). On virtual time; the backend's drain is held open by the test.
/// The same race end to end with the real activator: Serverless.Platform.Tests/Link/ScaleToZeroDescentLinkTests.
/// </summary>
public sealed class ScaleToZeroDescentTests
{
    private static readonly FunctionKey Key = new("default", "slow");

    [Fact]
    public async Task RequestScaleFromZero_DuringDescentToZero_StartsANewInstanceAfterTheDrain()
    {
        var time = new ManualTimeProvider();
        var activity = new FakeActivity();
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), activity, time, ScalerHarness.TestFunction("slow"));
        harness.Backend.Set(Key, 1);
        var drain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Backend.BeforeScale = replicas => replicas == 0 ? drain.Task : Task.CompletedTask;

        // Some load, then silence: the stable average falls to zero and the grace period (6 s) runs out.
        harness.Scaler.Report(new ConcurrencySample(Key, time.GetUtcNow(), 3, 3, 3, 0));
        Task? descent = null;
        for (var i = 0; i < 30 && descent is null; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            var tick = harness.Scaler.TickOnceAsync(CancellationToken.None);
            if (harness.Backend.ScaleCalls.Count > 0)
            {
                descent = tick; // held in the backend's drain
            }
            else
            {
                await tick;
            }
        }

        Assert.NotNull(descent);
        Assert.Equal([(Key, 0)], harness.Backend.ScaleCalls);
        Assert.False(descent.IsCompleted);

        // The request arrives mid-descent: the activator has no ready instance, queues it and pokes.
        activity.Active = 1;
        harness.Scaler.RequestScaleFromZero(Key);
        await Task.Delay(50); // give a wrongly ungated activation the chance to run (it must not)
        Assert.Single(harness.Backend.ScaleCalls);

        drain.SetResult();
        await descent.WaitAsync(TimeSpan.FromSeconds(10));
        await harness.WaitForScaleCallsAsync(2);

        Assert.Equal([(Key, 0), (Key, 1)], harness.Backend.ScaleCalls);
        Assert.Equal(1, harness.Backend.GetStatus(Key)!.DesiredReplicas);

        // The next tick sees the queued request and must not take the new instance away again.
        time.Advance(TimeSpan.FromSeconds(2));
        await harness.Scaler.TickOnceAsync(CancellationToken.None);
        Assert.Equal(1, harness.Backend.GetStatus(Key)!.DesiredReplicas);
    }

    [Fact]
    public async Task Tick_RequestActiveWhenGraceEnds_KeepsTheLastInstance()
    {
        var time = new ManualTimeProvider();
        var activity = new FakeActivity { Active = 1 };
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), activity, time, ScalerHarness.TestFunction("slow"));
        harness.Backend.Set(Key, 1);

        harness.Scaler.Report(new ConcurrencySample(Key, time.GetUtcNow(), 3, 3, 3, 0));
        for (var i = 0; i < 15; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await harness.Scaler.TickOnceAsync(CancellationToken.None);
        }

        Assert.Empty(harness.Backend.ScaleCalls);
        Assert.Equal(1, harness.Backend.GetStatus(Key)!.DesiredReplicas);
    }

    [Fact]
    public async Task Tick_FunctionNeverInvoked_ScalesToZeroAfterTheGracePeriod()
    {
        // Issue #18: no request, so no sample, ever. Before the fix the KPA held the initial instance for good.
        var time = new ManualTimeProvider();
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), new FakeActivity(), time, ScalerHarness.TestFunction("slow"));
        harness.Backend.Set(Key, 1);
        var started = time.GetUtcNow();

        TimeSpan? zeroAfter = null;
        for (var i = 0; i < 30 && zeroAfter is null; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await harness.Scaler.TickOnceAsync(CancellationToken.None);
            if (harness.Backend.ScaleCalls.Count > 0)
            {
                zeroAfter = time.GetUtcNow() - started;
            }
        }

        Assert.Equal([(Key, 0)], harness.Backend.ScaleCalls);
        // Silent for one panic window (1 s here), then the 6 s grace period, seen at the 2 s ticks.
        Assert.InRange(zeroAfter!.Value, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(10));
    }
}
