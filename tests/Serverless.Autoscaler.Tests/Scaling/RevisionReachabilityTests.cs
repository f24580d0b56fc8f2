using Serverless.Autoscaler.Tests.Fakes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Autoscaler.Tests.Scaling;

/// <summary>
/// Issue #17 item 3 and #18's Reachable: every routed revision, the main one included, is a scaling unit keyed by its
/// name; a revision the route drops (no share, no tag) is unreachable and goes to zero as soon as nothing is in flight to
/// it, as Knative's KPA does with <c>Reachable=false</c>, while a 0% tagged revision stays reachable and keeps its grace.
/// </summary>
public sealed class RevisionReachabilityTests
{
    private static readonly FunctionKey V1 = new("default", "hello-00001");
    private static readonly FunctionKey V2 = new("default", "hello-00002");

    private static List<TrafficTarget> Targets(string traffic) =>
        traffic.Split(' ').Select(t => t.Split(':')).Select(p => new TrafficTarget
        {
            RevisionName = p[0],
            Percent = int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture),
            Tag = p.Length > 2 ? p[2] : null,
        }).ToList();

    [Theory]
    [InlineData("promoted away, idle: unreachable, zero at the next tick", "hello-00002:100", 0, 0)]
    [InlineData("promoted away, a request still in flight: one stays until it finishes", "hello-00002:100", 1, 1)]
    [InlineData("still a 10% share: reachable, its grace holds", "hello-00001:10 hello-00002:90", 0, 2)]
    [InlineData("a 0% tag: reachable, its grace holds", "hello-00002:100 hello-00001:0:old", 0, 2)]
    public async Task Tick_RouteChanged_RevisionLeftWithoutShareOrTagScalesToZeroAtOnce(string label, string after, int active, int expected)
    {
        var time = new ManualTimeProvider();
        var function = ScalerHarness.TestFunction("hello");
        function.Status = new FunctionStatus { Traffic = Targets("hello-00001:90 hello-00002:10") };
        var activity = new FakeActivity();
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), activity, time, function);
        harness.Backend.Set(V1, 2);
        harness.Backend.Set(V2, 1);

        // Busy while routed: both hold their counts.
        activity.Active = 2;
        harness.Scaler.Report(new ConcurrencySample(V1, time.GetUtcNow(), 2, 2, 2, 0));
        time.Advance(TimeSpan.FromSeconds(2));
        await harness.Scaler.TickOnceAsync(CancellationToken.None);
        Assert.DoesNotContain(harness.Backend.ScaleCalls, c => c.Key == V1 && c.Replicas < 2);

        // The route moves; one tick later (well within the 6 s grace and the 10 s stable window).
        function.Status = new FunctionStatus { Traffic = Targets(after) };
        activity.Active = active;
        time.Advance(TimeSpan.FromSeconds(2));
        await harness.Scaler.TickOnceAsync(CancellationToken.None);

        var v1 = harness.Backend.GetStatus(V1)!.DesiredReplicas;
        Assert.True(expected == v1, $"{label}: hello-00001 at {v1}; calls {string.Join(", ", harness.Backend.ScaleCalls)}");
    }

    [Fact]
    public async Task RequestScaleFromZero_DroppedRevisionStillRunning_WakesItForARequestRoutedBeforeTheSplitChanged()
    {
        var time = new ManualTimeProvider();
        var function = ScalerHarness.TestFunction("hello");
        function.Status = new FunctionStatus { Traffic = Targets("hello-00001:90 hello-00002:10") };
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), new FakeActivity(), time, function);
        harness.Backend.Set(V1, 1);
        harness.Backend.Set(V2, 1);
        await harness.Scaler.TickOnceAsync(CancellationToken.None);
        function.Status = new FunctionStatus { Traffic = Targets("hello-00002:100") };
        time.Advance(TimeSpan.FromSeconds(2));
        await harness.Scaler.TickOnceAsync(CancellationToken.None);
        Assert.Equal(0, harness.Backend.GetStatus(V1)!.DesiredReplicas);

        harness.Scaler.RequestScaleFromZero(V1);
        await harness.WaitForScaleCallsAsync(2);

        Assert.Equal((V1, 1), harness.Backend.ScaleCalls[^1]);
    }

    [Fact]
    public async Task RequestScaleFromZero_MainRevision_ScalesItsOwnWorkloadNotTheFunctions()
    {
        var time = new ManualTimeProvider();
        var function = ScalerHarness.TestFunction("hello");
        function.Status = new FunctionStatus { Traffic = Targets("hello-00001:100") };
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), new FakeActivity(), time, function);
        harness.Backend.Set(V1, 0);

        harness.Scaler.RequestScaleFromZero(V1);
        await harness.WaitForScaleCallsAsync(1);

        Assert.Equal([(V1, 1)], harness.Backend.ScaleCalls);
    }

    [Theory]
    [InlineData("every revision its own workload: the revision about to be cut", true, "hello-00001")]
    [InlineData("the main revision under the Function's key (Kubernetes): the Function", false, "hello")]
    public async Task RequestScaleFromZero_FunctionWithoutStatusYet_WakesTheWorkloadThatWillServeIt(string label, bool revisionWorkloads, string expected)
    {
        var time = new ManualTimeProvider();
        await using var harness = await ScalerHarness.StartAsync(
            ScalerHarness.ShortWindows(), new FakeActivity(), time, new FakeWorkloadScaler(), revisionWorkloads, ScalerHarness.TestFunction("hello"));
        var key = new FunctionKey("default", expected);
        harness.Backend.Set(key, 0);

        harness.Scaler.RequestScaleFromZero(key);
        await harness.WaitForScaleCallsAsync(1);

        Assert.True(harness.Backend.ScaleCalls.SequenceEqual([(key, 1)]), label);
    }
}
