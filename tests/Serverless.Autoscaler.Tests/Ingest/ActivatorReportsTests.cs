using Serverless.Autoscaler.Ingest;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Autoscaler.Tests.Ingest;

public sealed class ActivatorReportsTests
{
    private static readonly FunctionKey Key = new("default", "hello");

    private static ConcurrencySample At(DateTimeOffset time, double average, int queue = 0, int inFlight = 0, Dictionary<string, int>? instances = null) =>
        new(Key, time, average, (int)Math.Ceiling(average), average * 2, queue, inFlight, instances);

    [Fact]
    public void Record_TwoActivatorsSameSecond_SumsThem()
    {
        var time = new ManualTimeProvider();
        var reports = new ActivatorReports(time, TimeSpan.FromSeconds(60));
        var t = time.GetUtcNow().AddMilliseconds(300);

        reports.Record("a", [At(t, 4)]);
        var combined = Assert.Single(reports.Record("b", [At(t.AddMilliseconds(200), 6)]));

        Assert.Equal(10, combined.AverageConcurrency);
        Assert.Equal(20, combined.RequestsPerSecond);
        Assert.Equal(time.GetUtcNow(), combined.Time); // the start of the second
    }

    [Fact]
    public void Record_OneActivatorTwiceInOneSecond_AveragesItsSamples()
    {
        var time = new ManualTimeProvider();
        var reports = new ActivatorReports(time, TimeSpan.FromSeconds(60));
        var t = time.GetUtcNow();

        reports.Record("a", [At(t.AddMilliseconds(100), 2)]);
        var combined = Assert.Single(reports.Record("a", [At(t.AddMilliseconds(900), 4)]));

        Assert.Equal(3, combined.AverageConcurrency);
    }

    [Fact]
    public void Record_ReplayOfHeldSamples_ChangesNothing()
    {
        var time = new ManualTimeProvider();
        var reports = new ActivatorReports(time, TimeSpan.FromSeconds(60));
        var t = time.GetUtcNow();
        var samples = new[] { At(t, 2), At(t.AddSeconds(1), 5) };

        var first = reports.Record("a", samples);
        var replayed = reports.Record("a", samples);

        Assert.Equal(first, replayed);
        Assert.Equal(5, reports.Record("a", [At(t.AddSeconds(1), 5)]).Single().AverageConcurrency);
    }

    [Fact]
    public void ActiveRequests_SumsLatestOfEachActivatorUntilExpiry()
    {
        var time = new ManualTimeProvider();
        var reports = new ActivatorReports(time, TimeSpan.FromSeconds(60), expiry: TimeSpan.FromSeconds(5));
        var t = time.GetUtcNow();

        reports.Record("a", [At(t, 1, queue: 9, inFlight: 9), At(t.AddSeconds(1), 1, queue: 1, inFlight: 2)]);
        reports.Record("b", [At(t, 1, queue: 0, inFlight: 4)]);
        Assert.Equal(7, reports.ActiveRequests(Key));

        // An older (replayed) sample does not replace the present.
        reports.Record("a", [At(t.AddSeconds(-10), 1, queue: 50, inFlight: 50)]);
        Assert.Equal(7, reports.ActiveRequests(Key));

        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, reports.ActiveRequests(Key));
        Assert.Equal(0, reports.ActiveRequests(new FunctionKey("default", "other")));
    }

    [Fact]
    public void InstanceInFlight_SumsAcrossActivatorsAndKeepsIdleInstances()
    {
        var time = new ManualTimeProvider();
        var reports = new ActivatorReports(time, TimeSpan.FromSeconds(60));
        var t = time.GetUtcNow();

        reports.Record("a", [At(t, 1, inFlight: 3, instances: new() { ["pod-1"] = 3, ["pod-2"] = 0 })]);
        reports.Record("b", [At(t, 1, inFlight: 1, instances: new() { ["pod-1"] = 1 })]);

        Assert.Equal(new Dictionary<string, int> { ["pod-1"] = 4, ["pod-2"] = 0 }, reports.InstanceInFlight(Key));
        Assert.Equal(4, reports.InFlight(Key, "pod-1"));
        Assert.Equal(0, reports.InFlight(Key, "pod-3"));
    }
}
