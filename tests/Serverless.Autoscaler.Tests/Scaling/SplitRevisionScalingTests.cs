using Serverless.Autoscaler.Tests.Fakes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Autoscaler.Tests.Scaling;

/// <summary>
/// Issue #17: a split's other revisions run as workloads keyed by their revision name; the autoscaler scales each by that
/// key with its Function's settings, and ignores a key that is neither a Function nor a revision of a split.
/// </summary>
public sealed class SplitRevisionScalingTests
{
    private static readonly FunctionKey Canary = new("default", "hello-00002");

    private static Function Split()
    {
        var function = ScalerHarness.TestFunction("hello");
        function.Status = new FunctionStatus
        {
            Traffic = [new TrafficTarget { RevisionName = "hello-00001", Percent = 90 }, new TrafficTarget { RevisionName = "hello-00002", Percent = 10 }],
        };
        return function;
    }

    [Fact]
    public async Task RequestScaleFromZero_CanaryRevisionOfASplit_ScalesThatRevisionsWorkload()
    {
        var time = new ManualTimeProvider();
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), new FakeActivity(), time, Split());
        harness.Backend.Set(Canary, 0);

        harness.Scaler.RequestScaleFromZero(Canary);
        await harness.WaitForScaleCallsAsync(1);

        Assert.Equal([(Canary, 1)], harness.Backend.ScaleCalls);
    }

    [Fact]
    public async Task Tick_LoadOnTheCanary_ScalesItByItsOwnWindow()
    {
        var time = new ManualTimeProvider();
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), new FakeActivity(), time, Split());
        harness.Backend.Set(new FunctionKey("default", "hello"), 1);
        harness.Backend.Set(Canary, 1);

        // 30 concurrent requests on the canary alone, target 10 per instance: it scales up, the idle main one does not.
        for (var i = 0; i < 6; i++)
        {
            harness.Scaler.Report(new ConcurrencySample(Canary, time.GetUtcNow(), 30, 30, 30, 0));
            time.Advance(TimeSpan.FromSeconds(2));
            await harness.Scaler.TickOnceAsync(CancellationToken.None);
        }

        Assert.Contains(harness.Backend.ScaleCalls, c => c.Key == Canary && c.Replicas > 1);
        Assert.DoesNotContain(harness.Backend.ScaleCalls, c => c.Key.Name == "hello" && c.Replicas > 1);
    }

    [Theory]
    [InlineData("a tagged revision without a share (its tag URL activates it)", "hello", "hello-00003")]
    [InlineData("a split revision of a Function over 57 characters (a hashed name)", "checkout-service-canary-with-a-long-name-for-the-eu-west-region", "checkout-service-canary-w5e939b9ba1cc5dfc06297e58f9458bf8-00012")]
    public async Task RequestScaleFromZero_OwnWorkloadRevision_ScalesThatRevisionsWorkload(string label, string function, string revision)
    {
        var time = new ManualTimeProvider();
        var fn = ScalerHarness.TestFunction(function);
        fn.Status = new FunctionStatus
        {
            Traffic = revision.StartsWith("hello", StringComparison.Ordinal)
                ? [new TrafficTarget { RevisionName = "hello-00001", Percent = 100 }, new TrafficTarget { RevisionName = revision, Percent = 0, Tag = "next" }]
                : [new TrafficTarget { RevisionName = Core.Naming.RevisionNames.Name(function, 11), Percent = 90 }, new TrafficTarget { RevisionName = revision, Percent = 10 }],
        };
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), new FakeActivity(), time, fn);
        var key = new FunctionKey("default", revision);
        harness.Backend.Set(key, 0);

        harness.Scaler.RequestScaleFromZero(key);
        await harness.WaitForScaleCallsAsync(1);

        Assert.True(harness.Backend.ScaleCalls.SequenceEqual([(key, 1)]), label);
    }

    [Fact]
    public async Task RequestScaleFromZero_RevisionNotInTheSplit_Ignored()
    {
        var time = new ManualTimeProvider();
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), new FakeActivity(), time, Split());
        var stale = new FunctionKey("default", "hello-00003");
        harness.Backend.Set(stale, 0);

        harness.Scaler.RequestScaleFromZero(stale);
        await Task.Delay(200);

        Assert.Empty(harness.Backend.ScaleCalls);
    }
}
