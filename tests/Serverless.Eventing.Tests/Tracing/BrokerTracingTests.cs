using System.Collections.Concurrent;
using System.Diagnostics;
using Serverless.Core.Api;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Tests.Delivery;
using Serverless.Eventing.Tests.Fakes;
using Serverless.Eventing.Tracing;

namespace Serverless.Eventing.Tests.Tracing;

/// <summary>Issue #16 item 2, the broker's part: a delivery and the reply it returns continue the event's trace.</summary>
[Collection(TracingCollection.Name)]
public sealed class BrokerTracingTests : IDisposable
{
    private static readonly Uri Subscriber = new("http://subscriber.test/");
    private readonly ConcurrentBag<Activity> _stopped = [];
    private readonly ActivityListener _listener;

    public BrokerTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == BrokerTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task Dispatch_EventWithTraceContextAndReply_DeliveriesChainUnderIt()
    {
        using var h = new DispatcherHarness();
        var replies = new Uri("http://replies.test/");
        h.Routes.Add("orders", new TriggerSpec { Filters = [new() { Exact = new Dictionary<string, string> { ["type"] = "order" } }] }, Subscriber, FakeRoutes.Delivery());
        h.Routes.Add("replies", new TriggerSpec { Filters = [new() { Exact = new Dictionary<string, string> { ["type"] = "reply" } }] }, replies, FakeRoutes.Delivery());
        h.Sender.Script(Subscriber, new SendResult(200, null, TestEvents.Event("r1", type: "reply"), null));
        var trace = ActivityTraceId.CreateRandom();
        var producer = ActivitySpanId.CreateRandom();
        await h.PublishAsync(TestEvents.Event("e1", type: "order").With(BrokerTracing.TraceParentAttribute, $"00-{trace}-{producer}-01"));

        await h.RunDueAsync();

        var deliveries = _stopped.Where(a => a.TraceId == trace && a.OperationName == "broker.deliver").OrderBy(a => a.StartTimeUtc).ToList();
        Assert.Equal(2, deliveries.Count);
        Assert.Equal((producer, ActivityKind.Client, "orders"), (deliveries[0].ParentSpanId, deliveries[0].Kind, (string?)deliveries[0].GetTagItem("serverless.trigger")));
        // The reply was stored with the first delivery as its context, so its own delivery is that span's child.
        Assert.Equal(deliveries[0].SpanId, deliveries[1].ParentSpanId);
        Assert.Equal($"00-{trace}-{deliveries[0].SpanId}-01", h.Sender.Sent[1].Event[BrokerTracing.TraceParentAttribute]);
    }

    [Fact]
    public void WithContext_EventThatHasOne_KeptAsItCame()
    {
        var own = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";
        using var span = BrokerTracing.Source.StartActivity("test");
        var traced = TestEvents.Event("e1").With(BrokerTracing.TraceParentAttribute, own);

        Assert.NotNull(span);
        Assert.Equal(own, BrokerTracing.WithContext(traced)[BrokerTracing.TraceParentAttribute]);
        Assert.Equal(span.Id, BrokerTracing.WithContext(TestEvents.Event("e2"))[BrokerTracing.TraceParentAttribute]);
    }

    public void Dispose() => _listener.Dispose();
}
