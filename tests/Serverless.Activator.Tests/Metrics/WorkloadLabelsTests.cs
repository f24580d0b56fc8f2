using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using Serverless.Activator.Configuration;
using Serverless.Activator.Reporting;
using Serverless.Activator.Tests.Fakes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Activator.Tests.Metrics;

/// <summary>
/// Issue #17's follow-up: the activator's per-workload series carry <c>function</c> = the Function
/// (<c>namespace/name</c>) and <c>revision</c> = the revision the workload runs, as the Function's status says, on both
/// layouts (every revision keyed by its name; the main revision under the Function's key), and a revision no longer
/// routed loses its series once it has drained.
/// </summary>
public sealed class WorkloadLabelsTests
{
    private static readonly FunctionKey Hello = new("default", "hello");

    [Theory]
    [InlineData("every revision its own workload (local)", null, "hello-00001", "hello-00002")]
    [InlineData("the main revision under the Function's key (Kubernetes)", "hello-00001", "hello", "hello-00002")]
    public async Task InvokeAsync_SplitBetweenTwoRevisions_EverySeriesCarriesTheFunctionAndItsRevision(
        string label, string? functionKeyRevision, string mainWorkload, string secondWorkload)
    {
        var function = Split(functionKeyRevision, ("hello-00001", 50), ("hello-00002", 50));
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, function);
        await using var main = await InstanceServer.StartAsync("main");
        await using var second = await InstanceServer.StartAsync("second");
        harness.Endpoints.Set(new FunctionKey("default", mainWorkload), main.Endpoint());
        harness.Endpoints.Set(new FunctionKey("default", secondWorkload), second.Endpoint());

        for (var i = 0; i < 20; i++)
        {
            using var response = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var requests = harness.Metrics.RequestsTotal;
        await CountedAsync(harness, 20);
        Assert.True(
            Labels(requests).SequenceEqual(["default/hello hello-00001 200", "default/hello hello-00002 200"]),
            $"{label}: [{string.Join(", ", Labels(requests))}]");
        Assert.Equal(main.Requests, requests.WithLabels("default/hello", "hello-00001", "200").Value);
        Assert.Equal(second.Requests, requests.WithLabels("default/hello", "hello-00002", "200").Value);
        Assert.Equal(20, main.Requests + second.Requests);
        Assert.Equal(["default/hello hello-00001", "default/hello hello-00002"], Labels(harness.Metrics.ReadyInstances));

        var reporter = new ConcurrencyReporter(harness.Functions, new RecordingConcurrencySink(), harness.Options, harness.Metrics, TimeProvider.System, NullLogger<ConcurrencyReporter>.Instance);
        reporter.ReportOnce();
        Assert.Equal(["default/hello hello-00001", "default/hello hello-00002"], Labels(harness.Metrics.InFlight));
        Assert.Equal(["default/hello hello-00001", "default/hello hello-00002"], Labels(harness.Metrics.QueueDepth));
    }

    [Fact]
    public async Task InvokeAsync_RevisionAtZero_ColdStartCarriesTheFunctionAndTheRevision()
    {
        var function = Split(null, ("hello-00002", 100));
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, function);
        await using var instance = await InstanceServer.StartAsync("i1");
        var request = harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
        var revision = new FunctionKey("default", "hello-00002");
        await harness.WaitForActiveAsync(revision, 1);
        harness.Endpoints.Set(revision, instance.Endpoint());
        using var response = await request.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["default hello hello-00002"], Labels(harness.Metrics.ColdStart));
    }

    [Fact]
    public async Task ReportOnce_RevisionDroppedAndDrained_RemovesItsSeriesOnly()
    {
        var function = Split(null, ("hello-00001", 50), ("hello-00002", 50));
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, function);
        await using var instance = await InstanceServer.StartAsync("i1");
        var v1 = new FunctionKey("default", "hello-00001");
        var v2 = new FunctionKey("default", "hello-00002");
        harness.Endpoints.Set(v1, instance.Endpoint());
        harness.Endpoints.Set(v2, instance.Endpoint());
        for (var i = 0; i < 4; i++)
        {
            using var response = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await CountedAsync(harness, 4);
        var reporter = new ConcurrencyReporter(harness.Functions, new RecordingConcurrencySink(), harness.Options, harness.Metrics, TimeProvider.System, NullLogger<ConcurrencyReporter>.Instance);
        reporter.ReportOnce();
        Assert.Equal(["default/hello hello-00001 200", "default/hello hello-00002 200"], Labels(harness.Metrics.RequestsTotal));

        // Promoted: hello-00001 is no longer routed, but its instance still runs (draining): its series stay.
        function.Status!.Traffic = [new TrafficTarget { RevisionName = "hello-00002", Percent = 100 }];
        reporter.ReportOnce();
        Assert.Contains("default/hello hello-00001 200", Labels(harness.Metrics.RequestsTotal));

        // Its instance gone: the next pass removes every series of hello-00001, and only those.
        harness.Endpoints.Set(v1);
        reporter.ReportOnce();

        foreach (var collector in new Collector[] { harness.Metrics.RequestsTotal, harness.Metrics.ReadyInstances, harness.Metrics.InFlight, harness.Metrics.QueueDepth })
        {
            Assert.DoesNotContain(AllLabels(collector), l => l.Contains("hello-00001", StringComparison.Ordinal));
            Assert.Contains(AllLabels(collector), l => l.StartsWith("default/hello hello-00002", StringComparison.Ordinal));
        }

        // A request still counts on the routed revision's series.
        var counted = harness.Metrics.RequestsTotal.WithLabels("default/hello", "hello-00002", "200").Value;
        using (var after = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }

        await UntilAsync(() => harness.Metrics.RequestsTotal.WithLabels("default/hello", "hello-00002", "200").Value > counted);
        Assert.Equal(counted + 1, harness.Metrics.RequestsTotal.WithLabels("default/hello", "hello-00002", "200").Value);
    }

    /// <summary>
    /// Kubernetes today runs the main revision under the Function's key: a promotion moves what runs there, so the same
    /// workload's series move to the new revision's label and the old revision's go.
    /// </summary>
    [Fact]
    public async Task InvokeAsync_FunctionsKeyRunsAnotherRevision_RelabelsAndRemovesTheOldRevisionsSeries()
    {
        var function = Split("hello-00001", ("hello-00001", 100));
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, function);
        await using var instance = await InstanceServer.StartAsync("i1");
        harness.Endpoints.Set(Hello, instance.Endpoint());
        using (var before = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await CountedAsync(harness, 1);

        function.Status = new FunctionStatus { FunctionKeyRevision = "hello-00002", Traffic = [new TrafficTarget { RevisionName = "hello-00002", Percent = 100 }] };
        using (var after = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }

        await UntilAsync(() => harness.Metrics.RequestsTotal.WithLabels("default/hello", "hello-00002", "200").Value >= 1);
        Assert.Equal(["default/hello hello-00002 200"], Labels(harness.Metrics.RequestsTotal));
        Assert.Equal(1, harness.Metrics.RequestsTotal.WithLabels("default/hello", "hello-00002", "200").Value);
        // The ready count moves with it at once, not at the next change of the endpoints.
        Assert.Equal(["default/hello hello-00002"], Labels(harness.Metrics.ReadyInstances));
        Assert.Equal(1, harness.Metrics.ReadyInstances.WithLabels("default/hello", "hello-00002").Value);
    }

    /// <summary>
    /// Waits until <paramref name="count"/> requests are counted: the activator counts a request after its response
    /// has gone, so the client can have the answer first (polled, bounded by 30 s).
    /// </summary>
    private static Task CountedAsync(ProxyHarness harness, int count) =>
        UntilAsync(() => harness.Metrics.RequestsTotal.GetAllLabelValues().Sum(v => harness.Metrics.RequestsTotal.WithLabels(v).Value) >= count);

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "not reached within 30 s");
    }

    private static Function Split(string? functionKeyRevision, params (string Revision, int Percent)[] targets)
    {
        var function = ProxyHarness.TestFunction("hello");
        function.Status = new FunctionStatus
        {
            FunctionKeyRevision = functionKeyRevision,
            Traffic = [.. targets.Select(t => new TrafficTarget { RevisionName = t.Revision, Percent = t.Percent })],
        };
        return function;
    }

    private static string[] Labels<TChild>(Collector<TChild> collector)
        where TChild : ChildBase =>
        [.. collector.GetAllLabelValues().Select(values => string.Join(' ', values)).Order(StringComparer.Ordinal)];

    private static string[] AllLabels(Collector collector) => collector switch
    {
        Counter c => Labels(c),
        Gauge g => Labels(g),
        Histogram h => Labels(h),
        _ => throw new ArgumentException(collector.Name),
    };
}
