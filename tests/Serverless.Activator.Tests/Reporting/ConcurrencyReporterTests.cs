using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Activator.Configuration;
using Serverless.Activator.Reporting;
using Serverless.Activator.Tests.Fakes;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Activator.Tests.Reporting;

public sealed class ConcurrencyReporterTests
{
    private static readonly FunctionKey Hello = new("default", "hello");

    [Fact]
    public async Task RunAsync_QueuedRequests_ReportsEverySecondAndSetsGauges()
    {
        var time = new ManualTimeProvider();
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), time, ProxyHarness.TestFunction("hello"));
        var sink = new RecordingConcurrencySink();
        var reporter = new ConcurrencyReporter(harness.Functions, sink, harness.Options, harness.Metrics, time, NullLogger<ConcurrencyReporter>.Instance);
        using var stop = new CancellationTokenSource();
        var reporting = reporter.RunAsync(stop.Token);
        using var waiting = new CancellationTokenSource();
        var queued = Enumerable.Range(0, 3).Select(_ => harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative), waiting.Token)).ToArray();
        await harness.WaitForActiveAsync(Hello, 3);

        time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 500 && sink.Samples.IsEmpty; i++)
        {
            await Task.Delay(10);
        }

        var sample = Assert.Single(sink.Samples);
        Assert.Equal(Hello, sample.Key);
        Assert.Equal(3, sample.PeakConcurrency);
        Assert.Equal(3, sample.QueueDepth);
        Assert.Equal(3.0, sample.RequestsPerSecond, 9);
        Assert.InRange(sample.AverageConcurrency, 0.0, 3.0);
        Assert.Equal(3, harness.Metrics.QueueDepth.WithLabels("default/hello", "").Value);
        Assert.Equal(3, harness.Functions.ActiveRequests(Hello));

        await waiting.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(queued));
        await stop.CancelAsync();
        await reporting;
    }

    [Fact]
    public async Task ReportOnce_NoActivity_ReportsNothing()
    {
        var time = new ManualTimeProvider();
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), time, ProxyHarness.TestFunction("hello"));
        await using var instance = await InstanceServer.StartAsync("i1");
        harness.Endpoints.Set(Hello, instance.Endpoint());
        var sink = new RecordingConcurrencySink();
        var reporter = new ConcurrencyReporter(harness.Functions, sink, harness.Options, harness.Metrics, time, NullLogger<ConcurrencyReporter>.Instance);
        using var response = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await harness.WaitForActiveAsync(Hello, 0);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, reporter.ReportOnce());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, reporter.ReportOnce());

        var sample = Assert.Single(sink.Samples);
        Assert.Equal(1.0, sample.RequestsPerSecond, 9);
        Assert.Equal(1, sample.PeakConcurrency);
        Assert.Equal(0, sample.InFlight);
        Assert.Equal(new Dictionary<string, int> { ["i1"] = 0 }, sample.Instances); // every ready instance, idle ones too
    }
}
