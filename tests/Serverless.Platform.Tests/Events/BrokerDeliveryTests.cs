using System.Text;
using Serverless.Core.Api;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;
using Xunit.Abstractions;

namespace Serverless.Platform.Tests.Events;

/// <summary>The broker end to end on the real local platform: ingress, durable store, dispatcher, activator, function.</summary>
public sealed class BrokerDeliveryTests(ITestOutputHelper output)
{
    private static Destination Uri(EventSink sink, string path) => BrokerScenarios.Subscriber(sink, path);

    private static Task<(PlatformProcess Platform, HttpClient Admin, HttpClient Ingress)> StartAsync(TempDirectory home) => BrokerScenarios.StartAsync(home);

    [Fact]
    public async Task Broker_ThousandEventsToFunctionAtZero_EveryOneDelivered()
    {
        using var home = new TempDirectory("events-fn");

        var (trigger, received, ingressUrl, _) = await BrokerScenarios.ThousandEventsThroughFunctionAtZeroAsync(home, "fn");

        Assert.Equal($"{ingressUrl}/default/replier/", trigger.Status!.SubscriberUri);
        output.WriteLine($"1000 events delivered through a function at zero: {received.Count} replies received, {received.Count - 1000} duplicates");
        Assert.All(received, r => Assert.Equal("com.example.reply", r.Type));
    }

    [Fact]
    public async Task Broker_SubscriberFailsTwice_DeliveredOnThirdAttemptAtConfiguredBackoff()
    {
        using var home = new TempDirectory("events-retry");
        await using var sink = await EventSink.StartAsync();
        var (platform, admin, ingress) = await StartAsync(home);
        await using var _ = platform;
        using var a = admin;
        using var i = ingress;
        var delivery = new DeliverySpec { Retry = 3, BackoffPolicy = "linear", BackoffDelay = "PT0.5S" };
        await EventsApi.CreateAsync(admin, "triggers", EventsApi.Trigger("flaky", "com.example.flaky", Uri(sink, "/flaky"), delivery));
        await EventsApi.WaitReadyAsync(admin, "flaky", platform);

        await EventsApi.PublishAsync(ingress, ["flaky-1"], "com.example.flaky", batchSize: 1, parallel: 1);

        await EventsApi.WaitUntilAsync(() => sink.At("/flaky").Count() >= 3, TimeSpan.FromSeconds(30), () => platform.Output);
        var attempts = sink.At("/flaky").ToList();
        var first = attempts[1].At - attempts[0].At;
        var second = attempts[2].At - attempts[1].At;
        output.WriteLine($"gaps: {first.TotalMilliseconds:0} ms, {second.TotalMilliseconds:0} ms (configured linear 500 ms × n)");
        // Linear PT0.5S: 0.5 s before retry 1, 1.0 s before retry 2. The lower bounds are exact (never early); the
        // upper ones allow 2 s of scheduling slack, because this suite runs platforms side by side on 2 shared cores
        // (a 1 s stall was seen once). The backoff arithmetic itself is pinned on virtual time in the dispatcher's tests.
        Assert.InRange(first.TotalMilliseconds, 480, 2500);
        Assert.InRange(second.TotalMilliseconds, 980, 3000);

        // Delivered on the third attempt: the broker records it as ok, and no fourth attempt follows.
        IReadOnlyList<PrometheusSample> metrics = [];
        await EventsApi.WaitUntilAsync(
            () =>
            {
                metrics = PrometheusText.Parse(admin.GetStringAsync("/metrics").GetAwaiter().GetResult());
                return metrics.Any(m => m.Name == "serverless_broker_deliveries_total" && m.Labels.GetValueOrDefault("result") == "ok" && m.Value == 1);
            },
            TimeSpan.FromSeconds(10),
            () => platform.Output);
        Assert.Equal(2, metrics.Value("serverless_broker_deliveries_total", ("result", "retry")));
        Assert.Equal(3, sink.At("/flaky").Count());
    }

    [Fact]
    public async Task Broker_PermanentlyFailingSubscriber_EventsLandInDeadLetterSinkWithReason()
    {
        using var home = new TempDirectory("events-dlq");
        await using var sink = await EventSink.StartAsync();
        var (platform, admin, ingress) = await StartAsync(home);
        await using var _ = platform;
        using var a = admin;
        using var i = ingress;
        var delivery = new DeliverySpec { Retry = 2, BackoffDelay = "PT0.1S", DeadLetterSink = Uri(sink, "/dlq") };
        await EventsApi.CreateAsync(admin, "triggers", EventsApi.Trigger("failing", "com.example.fail", Uri(sink, "/fail"), delivery));
        await EventsApi.WaitReadyAsync(admin, "failing", platform);
        var ids = Enumerable.Range(0, 20).Select(n => $"dead-{n}").ToList();

        await EventsApi.PublishAsync(ingress, ids, "com.example.fail", batchSize: 5, parallel: 2);

        await EventsApi.WaitUntilAsync(() => sink.At("/dlq").Select(r => r.Id).Distinct().Count() == ids.Count, TimeSpan.FromSeconds(60), () => platform.Output);
        Assert.Equal(ids.Count * 3, sink.At("/fail").Count()); // 1 attempt + 2 retries each
        foreach (var dead in sink.At("/dlq"))
        {
            Assert.Equal(sink.Url + "/fail", dead.Attributes["knativeerrordest"]);
            Assert.Equal("500", dead.Attributes["knativeerrorcode"]);
            Assert.Equal(EventSink.FailureBody, Encoding.UTF8.GetString(Convert.FromBase64String(dead.Attributes["knativeerrordata"])));
            Assert.Equal("com.example.fail", dead.Type);
        }

        var metrics = PrometheusText.Parse(await admin.GetStringAsync("/metrics"));
        Assert.Equal(ids.Count, metrics.Value("serverless_broker_dead_lettered_total"));
    }

    [Fact]
    public async Task Broker_KilledWithTenThousandUndelivered_DeliversEveryOneAfterRestart()
    {
        using var home = new TempDirectory("events-kill");

        var received = await BrokerScenarios.KilledWithTenThousandUndeliveredThenRestartedAsync(home);

        output.WriteLine($"after SIGKILL and restart: 10000 distinct events delivered, {received - 10_000} duplicates");
        Assert.True(received >= 10_000);
    }
}
