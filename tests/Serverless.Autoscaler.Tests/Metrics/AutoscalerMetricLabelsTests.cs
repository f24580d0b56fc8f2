using Prometheus;
using Serverless.Autoscaler.Tests.Fakes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Autoscaler.Tests.Metrics;

/// <summary>
/// Issue #17's follow-up: every per-workload series carries <c>function</c> = the Function (<c>namespace/name</c>) and
/// <c>revision</c> = the revision the workload runs, so one Function's revisions sum into its series, on both layouts:
/// every revision keyed by its name (local), and the main revision under the Function's key (Kubernetes today). A
/// revision whose workload is gone loses its series.
/// </summary>
public sealed class AutoscalerMetricLabelsTests
{
    private static readonly FunctionKey Hello = new("default", "hello");
    private static readonly FunctionKey V1 = new("default", "hello-00001");
    private static readonly FunctionKey V2 = new("default", "hello-00002");

    [Theory]
    [InlineData("every revision its own workload (local)", null, "default/hello-00001", "default/hello-00002")]
    [InlineData("the main revision under the Function's key (Kubernetes)", "hello-00001", "default/hello", "default/hello-00002")]
    public async Task TickOnce_MainAndSecondaryRevision_LabelledWithTheFunctionAndTheirRevision(string label, string? functionKeyRevision, string mainWorkload, string secondWorkload)
    {
        var time = new ManualTimeProvider();
        var function = ScalerHarness.TestFunction("hello");
        function.Status = new FunctionStatus
        {
            FunctionKeyRevision = functionKeyRevision,
            Traffic = [new TrafficTarget { RevisionName = "hello-00001", Percent = 90 }, new TrafficTarget { RevisionName = "hello-00002", Percent = 10 }],
        };
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), new FakeActivity(), time, function);
        harness.Backend.Set(Key(mainWorkload), 3);
        harness.Backend.Set(Key(secondWorkload), 1);

        await harness.Scaler.TickOnceAsync(CancellationToken.None);

        foreach (var gauge in new[] { harness.Metrics.DesiredReplicas, harness.Metrics.Panic, harness.Metrics.ObservedConcurrency })
        {
            Assert.True(
                Labels(gauge).SequenceEqual(["default/hello hello-00001", "default/hello hello-00002"]),
                $"{label}: {gauge.Name} has [{string.Join(", ", Labels(gauge))}]");
        }

        // Each revision's own count, under its own revision label (the grace holds both at their counts).
        Assert.Equal(3, harness.Metrics.DesiredReplicas.WithLabels("default/hello", "hello-00001").Value);
        Assert.Equal(1, harness.Metrics.DesiredReplicas.WithLabels("default/hello", "hello-00002").Value);
    }

    [Fact]
    public async Task TickOnce_DroppedRevisionsWorkloadGone_RemovesOnlyItsSeries()
    {
        var time = new ManualTimeProvider();
        var function = ScalerHarness.TestFunction("hello");
        function.Status = new FunctionStatus
        {
            Traffic = [new TrafficTarget { RevisionName = "hello-00001", Percent = 90 }, new TrafficTarget { RevisionName = "hello-00002", Percent = 10 }],
        };
        var other = ScalerHarness.TestFunction("other");
        await using var harness = await ScalerHarness.StartAsync(ScalerHarness.ShortWindows(), new FakeActivity(), time, function, other);
        harness.Backend.Set(V1, 1);
        harness.Backend.Set(V2, 1);
        harness.Backend.Set(new FunctionKey("default", "other"), 1);
        await harness.Scaler.TickOnceAsync(CancellationToken.None);
        Assert.Equal(["default/hello hello-00001", "default/hello hello-00002", "default/other "], Labels(harness.Metrics.DesiredReplicas));

        // Promoted: hello-00001 is dropped but its workload still runs (draining): its series stay while it is scaled.
        function.Status = new FunctionStatus { Traffic = [new TrafficTarget { RevisionName = "hello-00002", Percent = 100 }] };
        time.Advance(TimeSpan.FromSeconds(2));
        await harness.Scaler.TickOnceAsync(CancellationToken.None);
        Assert.Contains("default/hello hello-00001", Labels(harness.Metrics.DesiredReplicas));

        // The controller deletes its workload: the next tick removes its series, and nothing else.
        harness.Backend.Remove(V1);
        time.Advance(TimeSpan.FromSeconds(2));
        await harness.Scaler.TickOnceAsync(CancellationToken.None);

        foreach (var gauge in new[] { harness.Metrics.DesiredReplicas, harness.Metrics.Panic, harness.Metrics.ObservedConcurrency })
        {
            Assert.Equal(["default/hello hello-00002", "default/other "], Labels(gauge));
        }
    }

    private static FunctionKey Key(string workload) => new(workload.Split('/')[0], workload.Split('/')[1]);

    private static string[] Labels(Gauge gauge) =>
        [.. gauge.GetAllLabelValues().Select(values => string.Join(' ', values)).Order(StringComparer.Ordinal)];
}
