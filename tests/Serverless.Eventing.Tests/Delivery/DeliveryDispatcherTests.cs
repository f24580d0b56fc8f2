using System.Text;
using Serverless.Core.Api;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Events;
using Serverless.Eventing.Routing;
using Serverless.Eventing.Storage;
using Serverless.Eventing.Tests.Fakes;

namespace Serverless.Eventing.Tests.Delivery;

public sealed class DeliveryDispatcherTests
{
    private static readonly Uri Subscriber = new("http://subscriber.test/");
    private static readonly Uri Sink = new("http://dlq.test/");

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public async Task Dispatch_FailsTwiceThenAccepts_RetriesAtLinearBackoffAndCompletes()
    {
        using var h = new DispatcherHarness();
        h.Routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 3, policy: "linear", delaySeconds: 1));
        h.Sender.Script(Subscriber, FakeSender.Status(500), FakeSender.Status(500), FakeSender.Status(200));
        await h.PublishAsync(TestEvents.Event("e1"));

        Assert.Equal(1, await h.RunDueAsync());
        Assert.Equal(0, await h.AtAsync(S(0.999)));
        Assert.Equal(1, await h.AtAsync(S(1)));      // retry 1: 1 s × 1
        Assert.Equal(0, await h.AtAsync(S(2.999)));
        Assert.Equal(1, await h.AtAsync(S(3)));      // retry 2: 1 s × 2 later

        Assert.Equal([S(0), S(1), S(3)], h.Sender.Sent.Select(s => s.At - h.Start));
        Assert.Equal(new DeliveryCounts(0, 0, 0, 0), await h.Store.CountAsync());
        Assert.Equal(2, h.Metrics.Deliveries.WithLabels("retry").Value);
        Assert.Equal(1, h.Metrics.Deliveries.WithLabels("ok").Value);
    }

    // Issue #14 item 1: with the disk full the failed write left the delivery due at once: 3 events were sent 40,136
    // times in 15 s. The outcome is held in memory, the delivery is not sent again, and the write is retried.
    [Fact]
    public async Task Dispatch_OutcomeCannotBeStored_NotSentAgainUntilStoredThenBackoffHolds()
    {
        using var h = new DispatcherHarness();
        h.Routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 3, policy: "linear", delaySeconds: 1));
        h.Sender.Script(Subscriber, FakeSender.Status(500), FakeSender.Status(200));
        await h.PublishAsync(TestEvents.Event("e1"));
        h.Writes.FailWrites = true;

        Assert.Equal(1, await h.RunDueAsync());     // sent, 500, its reschedule cannot be written
        Assert.Equal(0, await h.AtAsync(S(0.5)));
        Assert.Equal(0, await h.AtAsync(S(30)));    // long past its backoff: still held, the write still failing
        Assert.Single(h.Sender.Sent);
        Assert.Equal(1, h.Dispatcher.Unstored);
        Assert.True(h.Writes.FailedWrites >= 3, $"the write was retried {h.Writes.FailedWrites} times");

        h.Writes.FailWrites = false;
        Assert.Equal(1, await h.AtAsync(S(31)));    // the held reschedule (due at 1 s) is stored, so it is due now

        Assert.Equal([S(0), S(31)], h.Sender.Sent.Select(s => s.At - h.Start));
        Assert.Equal(0, h.Dispatcher.Unstored);
        Assert.Equal(new DeliveryCounts(0, 0, 0, 0), await h.Store.CountAsync());
    }

    [Fact]
    public async Task Dispatch_CompletionCannotBeStored_DeliveredOnceNotAgain()
    {
        using var h = new DispatcherHarness();
        h.Routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 3, delaySeconds: 1));
        h.Sender.Script(Subscriber, FakeSender.Status(200), FakeSender.Status(200));
        await h.PublishAsync(TestEvents.Event("e1"));
        h.Writes.FailWrites = true;

        Assert.Equal(1, await h.RunDueAsync());
        Assert.Equal(0, await h.AtAsync(S(10)));
        h.Writes.FailWrites = false;
        Assert.Equal(0, await h.AtAsync(S(11)));    // the completion is stored: nothing is due

        Assert.Single(h.Sender.Sent);
        Assert.Equal(new DeliveryCounts(0, 0, 0, 0), await h.Store.CountAsync());
    }

    [Fact]
    public async Task Dispatch_ExponentialBackoff_WaitsDelayTimesTwoToTheN()
    {
        using var h = new DispatcherHarness();
        h.Routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 3, policy: "exponential", delaySeconds: 0.5));
        h.Sender.Script(Subscriber, FakeSender.Status(503), FakeSender.Status(503), FakeSender.Status(503), FakeSender.Status(204));
        await h.PublishAsync(TestEvents.Event("e1"));

        await h.RunDueAsync();
        await h.AtAsync(S(1));     // 0.5 × 2
        await h.AtAsync(S(3));     // + 0.5 × 4
        await h.AtAsync(S(7));     // + 0.5 × 8

        Assert.Equal([S(0), S(1), S(3), S(7)], h.Sender.Sent.Select(s => s.At - h.Start));
    }

    [Fact]
    public async Task Dispatch_RetryAfter_DelaysTheRetry()
    {
        using var h = new DispatcherHarness();
        h.Routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 2, delaySeconds: 0.1));
        h.Sender.Script(Subscriber, FakeSender.Status(429, retryAfter: S(5)), FakeSender.Status(200));
        await h.PublishAsync(TestEvents.Event("e1"));

        await h.RunDueAsync();
        Assert.Equal(0, await h.AtAsync(S(4.9)));
        Assert.Equal(1, await h.AtAsync(S(5)));
    }

    [Fact]
    public async Task Dispatch_PermanentFailure_DeadLettersWithReasonExtensions()
    {
        using var h = new DispatcherHarness();
        h.Routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 1, delaySeconds: 0.2, deadLetter: new Destination { Uri = Sink.ToString() }), Sink);
        h.Sender.Script(Subscriber, FakeSender.Status(500, "database down"));
        await h.PublishAsync(TestEvents.Event("e1"));

        await h.RunDueAsync();
        await h.AtAsync(S(0.4));

        var sent = h.Sender.Sent;
        Assert.Equal([Subscriber, Subscriber, Sink], sent.Select(s => s.Target));
        var dead = sent[2].Event;
        Assert.Equal("e1", dead.Id);
        Assert.Equal(Subscriber.ToString(), dead["knativeerrordest"]);
        Assert.Equal("500", dead["knativeerrorcode"]);
        Assert.Equal("database down", Encoding.UTF8.GetString(Convert.FromBase64String((string)dead["knativeerrordata"]!)));
        Assert.Equal(1, h.Metrics.DeadLettered.Value);
        Assert.Equal(new DeliveryCounts(0, 0, 0, 0), await h.Store.CountAsync());
    }

    [Fact]
    public async Task Dispatch_Rejected400_SkipsRetriesAndGoesToSink()
    {
        using var h = new DispatcherHarness();
        h.Routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 5, deadLetter: new Destination { Uri = Sink.ToString() }), Sink);
        h.Sender.Script(Subscriber, FakeSender.Status(400, "bad order"));
        await h.PublishAsync(TestEvents.Event("e1"));

        await h.RunDueAsync();

        Assert.Equal([Subscriber, Sink], h.Sender.Sent.Select(s => s.Target));
        Assert.Equal("400", h.Sender.Sent[1].Event["knativeerrorcode"]);
    }

    [Fact]
    public async Task Dispatch_SinkFailsToo_KeepsDeliveryAsFailed()
    {
        using var h = new DispatcherHarness();
        h.Routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 1, delaySeconds: 1, deadLetter: new Destination { Uri = Sink.ToString() }), Sink);
        h.Sender.Script(Subscriber, FakeSender.Status(403, "forbidden"));
        h.Sender.Script(Sink, FakeSender.Status(503, "sink down"));
        await h.PublishAsync(TestEvents.Event("e1"));

        await h.RunDueAsync();             // subscriber 403, sink 503
        await h.AtAsync(S(2));             // sink retry 1 (1 s × 2)

        Assert.Equal([Subscriber, Sink, Sink], h.Sender.Sent.Select(s => s.Target));
        Assert.Equal(new DeliveryCounts(0, 0, 1, 1), await h.Store.CountAsync());
        Assert.Equal(1, h.Metrics.Undeliverable.Value);
        Assert.Equal(0, await h.AtAsync(TimeSpan.FromDays(1)));
    }

    [Fact]
    public async Task Dispatch_NoSinkAndRetriesExhausted_KeepsDeliveryAsFailed()
    {
        using var h = new DispatcherHarness();
        h.Routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 0));
        h.Sender.Script(Subscriber, FakeSender.Status(500));
        await h.PublishAsync(TestEvents.Event("e1"));

        await h.RunDueAsync();

        Assert.Equal(new DeliveryCounts(0, 0, 1, 1), await h.Store.CountAsync());
    }

    [Fact]
    public async Task Dispatch_ReplyEvent_IsIngestedAndDeliveredToMatchingTrigger()
    {
        using var h = new DispatcherHarness();
        var replies = new Uri("http://replies.test/");
        h.Routes.Add("orders", new TriggerSpec { Filters = [new() { Exact = new Dictionary<string, string> { ["type"] = "order" } }] }, Subscriber, FakeRoutes.Delivery());
        h.Routes.Add("replies", new TriggerSpec { Filters = [new() { Exact = new Dictionary<string, string> { ["type"] = "reply" } }] }, replies, FakeRoutes.Delivery());
        h.Sender.Script(Subscriber, new SendResult(200, null, TestEvents.Event("r1", type: "reply"), null));
        await h.PublishAsync(TestEvents.Event("e1", type: "order"));

        await h.RunDueAsync();

        Assert.Equal([Subscriber, replies], h.Sender.Sent.Select(s => s.Target));
        Assert.Equal("r1", h.Sender.Sent[1].Event.Id);
        Assert.Equal(1, h.Metrics.Replies.Value);
    }

    [Theory]
    [InlineData("no TTL: starts at 255", null, 254)]
    [InlineData("TTL 10: one hop less", 10, 9)]
    [InlineData("TTL above the default: capped", 1000, 254)]
    public async Task Dispatch_ReplyEvent_StoredWithOneHopLessThanTheEventItAnswered(string label, int? ttl, int expected)
    {
        using var h = new DispatcherHarness();
        var replies = new Uri("http://replies.test/");
        h.Routes.Add("orders", new TriggerSpec { Filter = new() { Attributes = new Dictionary<string, string> { ["type"] = "order" } } }, Subscriber, FakeRoutes.Delivery());
        h.Routes.Add("replies", new TriggerSpec { Filter = new() { Attributes = new Dictionary<string, string> { ["type"] = "reply" } } }, replies, FakeRoutes.Delivery());
        h.Sender.Script(Subscriber, new SendResult(200, null, TestEvents.Event("r1", type: "reply"), null));
        var order = TestEvents.Event("e1", type: "order");
        if (ttl is { } value)
        {
            order = BrokerTtl.With(order, value);
        }

        await h.PublishAsync(order);
        await h.Dispatcher.DispatchDueAsync(CancellationToken.None);
        await h.Dispatcher.WhenIdleAsync();

        // The broker keeps the hop count with the stored reply; no subscriber sees it (Knative strips it too).
        var stored = Assert.Single(await h.Store.GetDueAsync(TriggerKeys.Of("default", "replies"), h.Time.GetUtcNow(), 10, []));
        Assert.True(BrokerTtl.Of(BrokerEventCodec.Decode(stored.Payload)) == expected, label);
        await h.RunDueAsync();
        Assert.True(h.Sender.Sent.Count == 2, label);
        Assert.All(h.Sender.Sent, sent => Assert.Null(sent.Event[BrokerTtl.Name]));
    }

    [Fact]
    public async Task Dispatch_ReplyToAnEventAtTheHopLimit_IsNotStoredAndIsCounted()
    {
        using var h = new DispatcherHarness();
        // A function subscribed to the very events it replies with: the loop Knative's TTL ends.
        h.Routes.Add("loop", new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        h.Sender.Script(Subscriber, new SendResult(200, null, TestEvents.Event("again"), null));
        var last = BrokerTtl.With(TestEvents.Event("e1"), 1);

        await h.PublishAsync(last);
        await h.RunDueAsync();

        Assert.Single(h.Sender.Sent);
        Assert.Equal(1, h.Metrics.RepliesDropped.Value);
        Assert.Equal(0, h.Metrics.Replies.Value);
        Assert.Equal(1, h.Metrics.Deliveries.WithLabels("ok").Value);
        Assert.Equal(new DeliveryCounts(0, 0, 0, 0), await h.Store.CountAsync());
    }

    [Fact]
    public async Task Dispatch_TriggerConcurrency_NeverExceedsTheLimit()
    {
        using var h = new DispatcherHarness(new BrokerOptions { TriggerConcurrency = 2 });
        h.Routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        await h.PublishAsync([.. Enumerable.Range(0, 5).Select(i => TestEvents.Event("e" + i))]);
        h.Sender.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Assert.Equal(2, await h.Dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.True(await h.Sender.Entered.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await h.Sender.Entered.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, await h.Dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Equal(2, h.Dispatcher.InFlight);
        h.Sender.Gate.SetResult();
        await h.Dispatcher.WhenIdleAsync();
        await h.RunDueAsync();

        Assert.Equal(5, h.Sender.Sent.Select(s => s.Event.Id).Distinct().Count());
        Assert.Equal(2, h.Sender.MaxConcurrent);
    }

    [Fact]
    public async Task Dispatch_CancelledMidAttempt_LeavesTheDeliveryDue()
    {
        using var h = new DispatcherHarness();
        h.Routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        await h.PublishAsync(TestEvents.Event("e1"));
        h.Sender.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();

        await h.Dispatcher.DispatchDueAsync(stop.Token);
        await stop.CancelAsync();
        await h.Dispatcher.WhenIdleAsync();

        var due = Assert.Single(await h.Store.GetDueAsync("default/t", h.Time.UtcNow, 10, []));
        Assert.Equal(0, due.Attempts);
    }

    [Fact]
    public async Task Dispatch_TriggerDeleted_DropsItsDeliveries()
    {
        using var h = new DispatcherHarness();
        h.Routes.Add("t", new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        await h.PublishAsync(TestEvents.Event("e1"));
        h.Routes.Remove("t");

        await h.RunDueAsync();

        Assert.Empty(h.Sender.Sent);
        Assert.Equal(new DeliveryCounts(0, 0, 0, 0), await h.Store.CountAsync());
    }

    [Fact]
    public async Task Ingest_NoMatchingTrigger_StoresNothing()
    {
        using var h = new DispatcherHarness();
        h.Routes.Add("t", new TriggerSpec { Filter = new TriggerFilter { Attributes = new Dictionary<string, string> { ["type"] = "other" } } }, Subscriber, FakeRoutes.Delivery());

        await h.PublishAsync(TestEvents.Event("e1"));

        Assert.Equal(new DeliveryCounts(0, 0, 0, 0), await h.Store.CountAsync());
        Assert.Equal(1, h.Metrics.EventsReceived.WithLabels("default", "default").Value);
    }
}
