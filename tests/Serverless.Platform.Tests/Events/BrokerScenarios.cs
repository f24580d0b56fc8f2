using Serverless.Core.Api;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Events;

/// <summary>
/// The broker scenarios that every broker class must pass on the real local platform; the class is whatever the
/// home's config.json selects (SQLite by default), so each backend's tests run the same steps.
/// </summary>
internal static class BrokerScenarios
{
    public static Destination Subscriber(EventSink sink, string path) => new() { Uri = sink.Url + path };

    public static async Task<(PlatformProcess Platform, HttpClient Admin, HttpClient Ingress)> StartAsync(TempDirectory home)
    {
        var platform = await PlatformProcess.StartAsync(home.Path);
        return (platform,
            platform.CreateAdminClient(TimeSpan.FromSeconds(30)),
            new HttpClient { BaseAddress = new Uri(platform.IngressUrl), Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>
    /// 1,000 events to a C# function at zero that replies with <c>reply-{id}</c>; a second Trigger sends the replies
    /// to the sink, so the sink sees each event the function received. Returns once every reply arrived.
    /// </summary>
    public static async Task<(Trigger ToFunction, IReadOnlyList<EventSink.Received> Replies, string IngressUrl, string PlatformOutput)> ThousandEventsThroughFunctionAtZeroAsync(TempDirectory home, string idPrefix)
    {
        await using var sink = await EventSink.StartAsync();
        var (platform, admin, ingress) = await StartAsync(home);
        await using var _ = platform;
        using var a = admin;
        using var i = ingress;
        var function = AdminApiTests.DotnetFunction("replier", "DotnetTest::DotnetTest.EventHandlers::Reply");
        function.Spec.Scale = new ScaleSpec { InitialScale = 0 };
        await EventsApi.CreateAsync(admin, "functions", function);
        await EventsApi.CreateAsync(admin, "triggers", EventsApi.Trigger("to-function", "com.example.in", new Destination { Ref = new DestinationRef { Name = "replier" } }));
        await EventsApi.CreateAsync(admin, "triggers", EventsApi.Trigger("replies", "com.example.reply", Subscriber(sink, "/ok")));
        var trigger = await EventsApi.WaitReadyAsync(admin, "to-function", platform);
        await EventsApi.WaitReadyAsync(admin, "replies", platform);

        var ids = Enumerable.Range(0, 1000).Select(n => $"{idPrefix}-{n}").ToList();
        await EventsApi.PublishAsync(ingress, ids, "com.example.in", batchSize: 50, parallel: 4);

        var expected = ids.Select(id => "reply-" + id).ToHashSet();
        await EventsApi.WaitUntilAsync(
            () => expected.IsSubsetOf(sink.At("/ok").Select(r => r.Id)),
            TimeSpan.FromSeconds(180),
            () => $"{sink.At("/ok").Select(r => r.Id).Distinct().Count()} of 1000 replies arrived\n{platform.Output}");
        return (trigger, sink.At("/ok").ToList(), platform.IngressUrl, platform.Output);
    }

    /// <summary>
    /// 10,000 events accepted for a subscriber that refuses them, SIGKILL of the platform, a restart with the
    /// subscriber taking events: returns how many deliveries arrived once every event had (duplicates included).
    /// </summary>
    public static async Task<int> KilledWithTenThousandUndeliveredThenRestartedAsync(TempDirectory home)
    {
        await using var sink = await EventSink.StartAsync();
        sink.Paused = true; // 503 to everything: events are accepted and stay undelivered
        var (platform, admin, ingress) = await StartAsync(home);
        var delivery = new DeliverySpec { Retry = 100, BackoffPolicy = "linear", BackoffDelay = "PT1S" };
        await EventsApi.CreateAsync(admin, "triggers", EventsApi.Trigger("durable", "com.example.durable", Subscriber(sink, "/ok"), delivery));
        await EventsApi.WaitReadyAsync(admin, "durable", platform);
        var ids = Enumerable.Range(0, 10_000).Select(n => $"kill-{n}").ToList();

        await EventsApi.PublishAsync(ingress, ids, "com.example.durable", batchSize: 250, parallel: 4);
        platform.Kill();
        Assert.Empty(await ProcessTree.WaitForExitAsync([platform.Pid], TimeSpan.FromSeconds(10)));
        admin.Dispose();
        ingress.Dispose();
        await platform.DisposeAsync();
        Assert.Empty(sink.At("/ok"));

        sink.Paused = false;
        await using var second = await PlatformProcess.StartAsync(home.Path);
        var expected = ids.ToHashSet();
        await EventsApi.WaitUntilAsync(
            () => expected.IsSubsetOf(sink.At("/ok").Select(r => r.Id)),
            TimeSpan.FromSeconds(240),
            () => $"{sink.At("/ok").Select(r => r.Id).Distinct().Count()} of 10000 delivered after restart\n{second.Output}");
        return sink.At("/ok").Count();
    }
}
