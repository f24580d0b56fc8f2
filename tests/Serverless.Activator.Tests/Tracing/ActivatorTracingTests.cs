using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Serverless.Activator.Configuration;
using Serverless.Activator.Tests.Fakes;
using Serverless.Activator.Tracing;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Tests.Tracing;

/// <summary>Issue #16 item 2, the activator's part: the span tree of a cold request, and the context the instance gets.</summary>
[Collection(TracingCollection.Name)]
public sealed class ActivatorTracingTests : IDisposable
{
    private static readonly FunctionKey Hello = new("default", "hello");
    private readonly ConcurrentBag<Activity> _stopped = [];
    private readonly ActivityListener _listener;

    public ActivatorTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ActivatorTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task InvokeAsync_ColdRequestWithTraceparent_ContinuesTheTraceWithQueueAndForwardSpans()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var instance = await InstanceServer.StartAsync("i1", EchoTraceHeaders);
        var clientTrace = ActivityTraceId.CreateRandom();
        var clientSpan = ActivitySpanId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/default/hello/");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{clientTrace}-{clientSpan}-01");
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=1");

        var sent = harness.Client.SendAsync(request);
        await harness.WaitForActiveAsync(Hello, 1); // queued: the function has no instance yet
        harness.Endpoints.Set(Hello, instance.Endpoint());
        using var response = await sent.WaitAsync(TimeSpan.FromSeconds(30));
        var seen = (await response.Content.ReadAsStringAsync()).Split('\n');

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var spans = _stopped.Where(a => a.TraceId == clientTrace).ToList();
        var root = Assert.Single(spans, a => a.OperationName == "activator.request");
        var queue = Assert.Single(spans, a => a.OperationName == "activator.queue");
        var forward = Assert.Single(spans, a => a.OperationName == "activator.forward");
        Assert.Equal((clientSpan, ActivityKind.Server), (root.ParentSpanId, root.Kind));
        Assert.Equal("vendor=1", root.TraceStateString);
        Assert.Equal(root.SpanId, queue.ParentSpanId);
        Assert.Equal((root.SpanId, ActivityKind.Client), (forward.ParentSpanId, forward.Kind));
        Assert.True(queue.StartTimeUtc <= forward.StartTimeUtc, "the wait comes before the forward");
        Assert.Equal(("default/hello", "i1", 1), ((string?)forward.GetTagItem("serverless.function"), (string?)forward.GetTagItem("serverless.instance"), (int?)forward.GetTagItem("serverless.attempt")));
        Assert.Equal(200, root.GetTagItem("http.response.status_code"));

        // The instance continues the same trace under this attempt's span.
        Assert.Equal([$"00-{clientTrace}-{forward.SpanId}-01", "vendor=1"], seen);
    }

    [Fact]
    public async Task InvokeAsync_WarmRequestWithoutTraceparent_StartsATraceWithoutAQueueSpan()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var instance = await InstanceServer.StartAsync("i1", EchoTraceHeaders);
        harness.Endpoints.Set(Hello, instance.Endpoint());

        using var response = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
        var traceparent = (await response.Content.ReadAsStringAsync()).Split('\n')[0];

        var trace = ActivityTraceId.CreateFromString(traceparent.AsSpan(3, 32));
        var spans = _stopped.Where(a => a.TraceId == trace).ToList();
        Assert.Equal(["activator.forward", "activator.request"], spans.Select(a => a.OperationName).Order(StringComparer.Ordinal));
        Assert.Equal(default, Assert.Single(spans, a => a.OperationName == "activator.request").ParentSpanId);
    }

    // Issue #17's follow-up: a revision's workload is keyed by its name; its spans name the Function and the revision,
    // as its metrics do, not the workload key (default/hello-00002).
    [Fact]
    public async Task InvokeAsync_RevisionsWorkload_SpansNameTheFunctionAndTheRevision()
    {
        var function = ProxyHarness.TestFunction("hello");
        function.Status = new Serverless.Core.Api.FunctionStatus { Traffic = [new Serverless.Core.Api.TrafficTarget { RevisionName = "hello-00002", Percent = 100 }] };
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, function);
        await using var instance = await InstanceServer.StartAsync("i1", EchoTraceHeaders);
        harness.Endpoints.Set(new FunctionKey("default", "hello-00002"), instance.Endpoint());

        using var response = await harness.Client.GetAsync(new Uri("/default/hello/", UriKind.Relative));
        var traceparent = (await response.Content.ReadAsStringAsync()).Split('\n')[0];

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var trace = ActivityTraceId.CreateFromString(traceparent.AsSpan(3, 32));
        // The request's span ends just after the response has gone: wait for it (bounded).
        List<Activity> spans = [];
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30); spans.Count < 2 && DateTime.UtcNow < deadline; await Task.Delay(10))
        {
            spans = [.. _stopped.Where(a => a.TraceId == trace && a.OperationName is "activator.request" or "activator.forward")];
        }

        Assert.Equal(2, spans.Count);
        Assert.All(spans, span => Assert.Equal(
            ("default/hello", "hello-00002"), ((string?)span.GetTagItem("serverless.function"), (string?)span.GetTagItem("serverless.revision"))));
    }

    [Fact]
    public async Task InvokeAsync_RefusedThenRetried_TwoForwardSpansTheFirstAnError()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var full = await InstanceServer.StartAsync("full", context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers["X-Serverless-Rejected"] = "concurrency";
            return Task.CompletedTask;
        });
        await using var free = await InstanceServer.StartAsync("free");
        harness.Endpoints.Set(Hello, full.Endpoint(), free.Endpoint());

        // The balancer picks either first: send until one request was refused by "full" and retried.
        List<Activity> forwards = [];
        for (var i = 0; i < 20 && forwards.Count < 2; i++)
        {
            var trace = ActivityTraceId.CreateRandom();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/default/hello/");
            request.Headers.TryAddWithoutValidation("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
            using var response = await harness.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            forwards = [.. _stopped.Where(a => a.TraceId == trace && a.OperationName == "activator.forward").OrderBy(a => (int)a.GetTagItem("serverless.attempt")!)];
        }

        Assert.Equal(2, forwards.Count);
        Assert.Equal(("full", 1, ActivityStatusCode.Error), ((string?)forwards[0].GetTagItem("serverless.instance"), (int?)forwards[0].GetTagItem("serverless.attempt"), forwards[0].Status));
        Assert.Equal(("free", 2, ActivityStatusCode.Unset), ((string?)forwards[1].GetTagItem("serverless.instance"), (int?)forwards[1].GetTagItem("serverless.attempt"), forwards[1].Status));
        Assert.Equal(forwards[0].ParentSpanId, forwards[1].ParentSpanId);
    }

    public void Dispose() => _listener.Dispose();

    private static Task EchoTraceHeaders(HttpContext context) =>
        context.Response.WriteAsync(context.Request.Headers["traceparent"] + "\n" + context.Request.Headers["tracestate"]);
}
