using System.Diagnostics;
using Serverless.Core.Api;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Events;
using Serverless.Eventing.Tests.Fakes;

namespace Serverless.Eventing.Tests.Contract;

/// <summary>
/// The delivery contract every broker backend keeps (issue #15: one dispatcher contract, two backends, one suite):
/// delivery byte for byte, filters, retry with backoff, dead letter, failure kept, replies with Knative's TTL, and
/// at-least-once over a dispatcher restart. Real clock, short delays, every wait bounded.
/// </summary>
public abstract class BackendContractTests
{
    private static readonly Uri Subscriber = new("http://subscriber.test/");
    private static readonly Uri Sink = new("http://dlq.test/");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>A Trigger name no earlier test of this class used (a RabbitMQ node outlives one test).</summary>
    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..20];

    private protected abstract IBackendHarness Create(BrokerOptions options);

    private IBackendHarness Create() => Create(new BrokerOptions { PollInterval = TimeSpan.FromMilliseconds(100) });

    private static async Task WaitForAsync(Func<Task<bool>> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < Bound, $"not within {Bound.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
    }

    private static Task WaitForSentAsync(IBackendHarness h, int count, Uri? target = null) =>
        WaitForAsync(() => Task.FromResult(h.Sender.Sent.Count(s => target is null || s.Target == target) >= count), $"{count} attempts");

    [Fact]
    public async Task Delivery_EveryEventReachesTheSubscriberByteForByte()
    {
        await using var h = Create();
        var trigger = Unique("t");
        h.Routes.Add(trigger, new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        h.Start();
        var events = Enumerable.Range(0, 20)
            .Select(i => TestEvents.Event($"e{i}", data: new { n = i, text = "Hello, 🌎!" }, extensions: ("ext", "x y")))
            .ToArray();

        await h.PublishAsync(events);
        await WaitForSentAsync(h, events.Length);
        await WaitForAsync(async () => await h.PendingAsync(trigger) == 0, "nothing pending");

        var received = h.Sender.Sent.Select(s => s.Event).OrderBy(e => int.Parse(e.Id[1..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(events.Length, received.Count);
        for (var i = 0; i < events.Length; i++)
        {
            Assert.Equal(events[i].Attributes.OrderBy(a => a.Key), received[i].Attributes.OrderBy(a => a.Key));
            Assert.Equal(events[i].Data!.Value.ToArray(), received[i].Data!.Value.ToArray());
        }
    }

    [Fact]
    public async Task Filter_OnlyMatchingEventsAreDelivered()
    {
        await using var h = Create();
        h.Routes.Add(Unique("t"), new TriggerSpec { Filter = new TriggerFilter { Attributes = new Dictionary<string, string> { ["type"] = "wanted" } } }, Subscriber, FakeRoutes.Delivery());
        h.Start();

        await h.PublishAsync(TestEvents.Event("a", type: "other"), TestEvents.Event("b", type: "wanted"), TestEvents.Event("c", type: "other"));
        await WaitForSentAsync(h, 1);
        await Task.Delay(300);

        Assert.Equal(["b"], h.Sender.Sent.Select(s => s.Event.Id));
    }

    [Fact]
    public async Task Retry_FailsTwiceThenSucceeds_WaitsTheBackoffBetweenAttempts()
    {
        await using var h = Create();
        var trigger = Unique("t");
        h.Routes.Add(trigger, new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 3, policy: "linear", delaySeconds: 0.3));
        h.Sender.Script(Subscriber, FakeSender.Status(503), FakeSender.Status(500), FakeSender.Status(200));
        h.Start();

        await h.PublishAsync(TestEvents.Event("e1"));
        await WaitForSentAsync(h, 3);
        await WaitForAsync(async () => await h.PendingAsync(trigger) == 0, "nothing pending");
        await Task.Delay(700);

        var at = h.Sender.Sent.Select(s => s.At).ToList();
        Assert.Equal(3, at.Count);
        Assert.InRange((at[1] - at[0]).TotalSeconds, 0.29, 5);   // linear: 0.3 s × 1
        Assert.InRange((at[2] - at[1]).TotalSeconds, 0.59, 5);   // then 0.3 s × 2
        Assert.Equal(0, await h.FailedAsync(trigger));
        Assert.Equal(1, h.Metrics.Deliveries.WithLabels("default", "default", trigger, "ok").Value);
    }

    [Fact]
    public async Task DeadLetter_AfterTheRetries_TheSinkGetsTheEventWithTheReason()
    {
        await using var h = Create();
        var trigger = Unique("t");
        h.Routes.Add(trigger, new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 1, delaySeconds: 0.05, deadLetter: new Destination { Uri = Sink.ToString() }), Sink);
        h.Sender.Script(Subscriber, FakeSender.Status(500, "boom"));
        h.Start();

        await h.PublishAsync(TestEvents.Event("e1", data: new { a = 1 }));
        await WaitForSentAsync(h, 1, Sink);

        var attempts = h.Sender.Sent;
        Assert.Equal(2, attempts.Count(s => s.Target == Subscriber));
        var dead = attempts.Single(s => s.Target == Sink).Event;
        Assert.Equal("e1", dead.Id);
        Assert.Equal("500", dead[DeadLetterEvent.CodeAttribute]);
        Assert.Equal(Subscriber.ToString(), dead[DeadLetterEvent.DestinationAttribute]);
        await WaitForAsync(async () => h.Metrics.DeadLettered.WithLabels("default", "default", trigger).Value == 1, "dead-lettered counted");
        Assert.Equal(0, await h.FailedAsync(trigger));
    }

    [Fact]
    public async Task Fail_NoDeadLetterSink_KeptAsFailed()
    {
        await using var h = Create();
        var trigger = Unique("t");
        h.Routes.Add(trigger, new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 0));
        h.Sender.Script(Subscriber, FakeSender.Status(400));
        h.Start();

        await h.PublishAsync(TestEvents.Event("e1"));
        await WaitForAsync(async () => await h.FailedAsync(trigger) == 1, "kept as failed");

        Assert.Single(h.Sender.Sent);
        Assert.Equal(0, await h.PendingAsync(trigger));
    }

    [Fact]
    public async Task Reply_ReentersTheBroker_WithTheTtlStrippedOnDelivery()
    {
        await using var h = Create();
        var replies = new Uri("http://replies.test/");
        h.Routes.Add(Unique("orders"), new TriggerSpec { Filter = new TriggerFilter { Attributes = new Dictionary<string, string> { ["type"] = "order" } } }, Subscriber, FakeRoutes.Delivery());
        h.Routes.Add(Unique("receipts"), new TriggerSpec { Filter = new TriggerFilter { Attributes = new Dictionary<string, string> { ["type"] = "receipt" } } }, replies, FakeRoutes.Delivery());
        h.Sender.Script(Subscriber, new SendResult(200, null, TestEvents.Event("r1", type: "receipt", extensions: (BrokerTtl.Name, "255")), null));
        h.Start();

        await h.PublishAsync(TestEvents.Event("o1", type: "order"));
        await WaitForSentAsync(h, 1, replies);

        var reply = h.Sender.Sent.Single(s => s.Target == replies).Event;
        Assert.Equal("r1", reply.Id);
        Assert.Null(reply[BrokerTtl.Name]);
    }

    [Fact]
    public async Task Ttl_AReplyAtTheHopLimitIsDroppedAndTheDeliverySucceeds()
    {
        await using var h = Create();
        var trigger = Unique("t");
        h.Routes.Add(trigger, new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        h.Sender.Script(Subscriber, new SendResult(200, null, TestEvents.Event("again"), null));
        h.Start();

        await h.PublishAsync(TestEvents.Event("e1", extensions: (BrokerTtl.Name, "1")));
        await WaitForAsync(() => Task.FromResult(h.Metrics.RepliesDropped.WithLabels("default", "default", trigger).Value == 1), "reply dropped");
        await Task.Delay(300);

        Assert.Equal(["e1"], h.Sender.Sent.Select(s => s.Event.Id));
        Assert.Equal(0, await h.PendingAsync(trigger));
    }

    [Fact]
    public async Task Restart_AnAttemptInFlightIsDeliveredAgain()
    {
        await using var h = Create();
        var trigger = Unique("t");
        h.Routes.Add(trigger, new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        h.Sender.Gate = new TaskCompletionSource();
        h.Start();

        await h.PublishAsync(TestEvents.Event("e1"));
        Assert.True(await h.Sender.Entered.WaitAsync(Bound), "first attempt started");
        await h.RestartAsync();   // the held attempt is cancelled, unrecorded
        h.Sender.Gate.SetResult();
        await WaitForSentAsync(h, 2);
        await WaitForAsync(async () => await h.PendingAsync(trigger) == 0, "nothing pending");

        Assert.Equal(["e1", "e1"], h.Sender.Sent.Select(s => s.Event.Id));
    }

    [Fact]
    public async Task TriggerDeleted_ItsPendingDeliveriesAreDropped()
    {
        await using var h = Create();
        var trigger = Unique("t");
        h.Routes.Add(trigger, new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 50, policy: "linear", delaySeconds: 0.2));
        h.Sender.Script(Subscriber, FakeSender.Status(503));
        h.Start();
        await h.PublishAsync(TestEvents.Event("e1"), TestEvents.Event("e2"));
        await WaitForSentAsync(h, 2);

        h.Routes.Remove(trigger);
        await WaitForAsync(async () => await h.PendingAsync(trigger) == 0, "the deleted Trigger's deliveries dropped");
        await Task.Delay(600);   // past the backoff: nothing is attempted again
        var attempts = h.Sender.Sent.Count;
        await Task.Delay(600);

        Assert.Equal(attempts, h.Sender.Sent.Count);
        Assert.Equal(0, await h.FailedAsync(trigger));
    }
}
