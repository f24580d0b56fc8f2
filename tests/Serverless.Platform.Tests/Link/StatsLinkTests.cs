using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Activator.Metrics;
using Serverless.Activator.Reporting;
using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Ingest;
using Serverless.Autoscaler.Tests.Fakes;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Link;

/// <summary>
/// The activator's <see cref="HttpStatsSender"/> against the autoscaler's <see cref="StatsEndpoints"/> over real HTTP
/// on loopback: samples reach the scaler's windows and the activity view, scale-from-zero pokes arrive, and an
/// autoscaler restart is rebuilt from the activator's replay. (The endpoints' answers to bad bodies, which need no
/// activator, are in the autoscaler's own tests.)
/// </summary>
public sealed class StatsLinkTests
{
    private static readonly FunctionKey Key = new("default", "hello");

    private static ConcurrencySample Sample(DateTimeOffset time, double average, int inFlight = 0, int queue = 0) =>
        new(Key, time, average, (int)Math.Ceiling(average), average, queue, inFlight, new Dictionary<string, int> { ["pod-1"] = inFlight });

    private static HttpStatsSender Sender(Uri autoscaler, out HttpClient client, Prometheus.CollectorRegistry? registry = null, TimeSpan? maxSendDelay = null)
    {
        client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = autoscaler };
        return new HttpStatsSender(
            client,
            new StatsSenderOptions { ActivatorId = "activator-0", MaxSamplesPerPost = 4, RequestTimeout = TimeSpan.FromSeconds(5), MaxSendDelay = maxSendDelay ?? TimeSpan.FromSeconds(2) },
            new ActivatorMetrics(registry ?? Prometheus.Metrics.NewCustomRegistry()),
            TimeProvider.System,
            NullLogger<HttpStatsSender>.Instance);
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(condition(), $"not within 10 s: {what}");
    }

    [Fact]
    public async Task Report_OnePass_ReachesWindowAndActivity()
    {
        var time = new ManualTimeProvider();
        var options = new AutoscalerOptions();
        var reports = new ActivatorReports(time, options.StableWindow);
        await using var harness = await ScalerHarness.StartAsync(options, reports, time, ScalerHarness.TestFunction("hello"));
        harness.Backend.Set(Key, 1);
        await using var server = await StatsServer.StartAsync(reports, harness.Scaler, "autoscaler-1");
        var sender = Sender(server.Address, out var client);
        using var _ = client;
        using var stop = new CancellationTokenSource();
        var run = sender.RunAsync(stop.Token);

        sender.Report(Sample(time.GetUtcNow(), 7, inFlight: 3, queue: 2));
        sender.Flush();
        await Until(() => sender.AutoscalerId == "autoscaler-1", "the autoscaler answers");

        Assert.Equal(5, reports.ActiveRequests(Key)); // 3 in flight + 2 queued
        Assert.Equal(3, reports.InFlight(Key, "pod-1"));
        Assert.Equal(7, harness.Scaler.Observed(Key, time.GetUtcNow()).Stable);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Report_NeverFlushed_SentAfterMaxSendDelay()
    {
        var time = new ManualTimeProvider();
        var reports = new ActivatorReports(time, TimeSpan.FromSeconds(60));
        await using var harness = await ScalerHarness.StartAsync(new AutoscalerOptions(), reports, time, ScalerHarness.TestFunction("hello"));
        harness.Backend.Set(Key, 1);
        await using var server = await StatsServer.StartAsync(reports, harness.Scaler, "autoscaler-1");
        var sender = Sender(server.Address, out var client, maxSendDelay: TimeSpan.FromMilliseconds(100));
        using var _ = client;
        using var stop = new CancellationTokenSource();
        var run = sender.RunAsync(stop.Token);

        sender.Report(Sample(time.GetUtcNow(), 1, inFlight: 1)); // as through a decorator that drops Flush
        await Until(() => reports.ActiveRequests(Key) == 1, "the sample is sent without a Flush");

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task RequestScaleFromZero_OverHttp_ScalesTheFunctionUp()
    {
        var time = new ManualTimeProvider();
        var reports = new ActivatorReports(time, TimeSpan.FromSeconds(60));
        await using var harness = await ScalerHarness.StartAsync(new AutoscalerOptions(), reports, time, ScalerHarness.TestFunction("hello"));
        harness.Backend.Set(Key, 0);
        await using var server = await StatsServer.StartAsync(reports, harness.Scaler, "autoscaler-1");
        var sender = Sender(server.Address, out var client);
        using var _ = client;

        sender.RequestScaleFromZero(Key);
        await harness.WaitForScaleCallsAsync(1);

        Assert.Equal([(Key, 1)], harness.Backend.ScaleCalls);
    }

    [Fact]
    public async Task AutoscalerRestart_ActivatorReplaysRecentSamples_NewWindowRebuilt()
    {
        var time = new ManualTimeProvider();
        var options = new AutoscalerOptions();
        var t0 = time.GetUtcNow();
        var firstReports = new ActivatorReports(time, options.StableWindow);
        await using var first = await ScalerHarness.StartAsync(options, firstReports, time, ScalerHarness.TestFunction("hello"));
        first.Backend.Set(Key, 1);
        var server = await StatsServer.StartAsync(firstReports, first.Scaler, "autoscaler-1");
        var port = server.Address.Port;
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var sender = Sender(server.Address, out var client, registry);
        using var _ = client;
        using var stop = new CancellationTokenSource();
        var run = sender.RunAsync(stop.Token);

        // Ten seconds at 20 reach the first autoscaler.
        for (var s = 0; s < 10; s++)
        {
            var inFlight = s + 1; // distinct per second, so each pass is seen to land before the next
            sender.Report(Sample(t0.AddSeconds(s), 20, inFlight));
            sender.Flush();
            await Until(() => firstReports.ActiveRequests(Key) == inFlight && sender.AutoscalerId == "autoscaler-1", $"second {s} reached the first autoscaler");
        }

        // It goes away; the next pass fails (and is kept for replay).
        await server.DisposeAsync();
        sender.Report(Sample(t0.AddSeconds(10), 20, inFlight: 20));
        sender.Flush();
        await Until(() => sender.AutoscalerId is null, "the failed POST is noticed");

        // A new autoscaler on the same address, its windows empty; the activator's next pass is idle.
        var secondReports = new ActivatorReports(time, options.StableWindow);
        await using var second = await ScalerHarness.StartAsync(options, secondReports, time, ScalerHarness.TestFunction("hello"));
        second.Backend.Set(Key, 1);
        await using var restarted = await StatsServer.StartAsync(secondReports, second.Scaler, "autoscaler-2", port);
        sender.Report(Sample(t0.AddSeconds(11), 0));
        sender.Flush();
        await Until(() => sender.AutoscalerId == "autoscaler-2", "the new autoscaler answers");

        // Without the replay the new window would hold one idle second (average 0); with it (11 samples, in POSTs of
        // at most 4), 11 s of 20 and 1 of 0.
        await Until(() => second.Scaler.Observed(Key, t0.AddSeconds(11)).Stable > 0, "the replay reached the new window");
        var observed = second.Scaler.Observed(Key, t0.AddSeconds(11));
        Assert.Equal(20.0 * 11 / 12, observed.Stable, precision: 6);

        // The failure and the replay are counted for the operator.
        using var text = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(text);
        var exported = Encoding.UTF8.GetString(text.ToArray());
        var metrics = PrometheusText.Parse(exported);
        Assert.True(1 == metrics.Value("serverless_activator_autoscaler_posts_total", ("path", "stats"), ("result", "error")), exported);
        Assert.Equal(1, metrics.Value("serverless_activator_stats_replays_total"));
        await stop.CancelAsync();
        await run;
    }
}
