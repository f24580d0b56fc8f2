using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Monitoring;

/// <summary>
/// Issue #16 item 2 (the activator's part): the local platform started with OTEL_EXPORTER_OTLP_ENDPOINT exports a cold
/// request's spans over OTLP/HTTP to a real receiver on loopback (an in-test listener decoding the protobuf), as one
/// tree under the client's trace, and the instance is handed the forward span as its parent.
/// </summary>
public sealed class OtlpTraceTests : IAsyncLifetime
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _home = new("serverless-otlp");
    private readonly ConcurrentQueue<OtlpSpan> _received = new();
    private readonly HttpListener _receiver = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private PlatformProcess _platform = null!;

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        _receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        _receiver.Start();
        _receiving = ReceiveAsync();
        _platform = await PlatformProcess.StartAsync(_home.Path, new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
    }

    [Fact]
    public async Task ColdRequest_WithTraceparent_ExportsRequestQueueAndForwardUnderTheClientsTrace()
    {
        using var admin = _platform.CreateAdminClient(Bound);
        var function = new Function
        {
            Metadata = new V1ObjectMeta { Name = "traced" },
            Spec = new FunctionSpec
            {
                Runtime = RuntimeNames.Dotnet,
                Handler = "DotnetTest::DotnetTest.Handlers::Echo",
                Source = new FunctionSource { Path = RepoPaths.Built("testassets", "functions", "dotnet-test") },
                Scale = new ScaleSpec { InitialScale = 0, MinScale = 0 },
            },
        };
        using var content = new StringContent(ResourceJson.Serialize(function), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using (var created = await admin.PostAsync(Functions, content))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var trace = ActivityTraceId.CreateRandom().ToHexString();
        var client = ActivitySpanId.CreateRandom().ToHexString();
        using var ingress = new HttpClient { BaseAddress = new Uri(_platform.IngressUrl), Timeout = Bound };
        string instanceParent;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/default/traced/hi");
            request.Headers.TryAddWithoutValidation("traceparent", $"00-{trace}-{client}-01");
            using var response = await ingress.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var echo = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                instanceParent = echo.GetProperty("headers").EnumerateObject().Single(h => h.Name.Equals("traceparent", StringComparison.OrdinalIgnoreCase)).Value.GetString()!;
                break;
            }

            // 404 until the activator's informer has the Function (no span then: nothing was routed).
            Assert.True(response.StatusCode == HttpStatusCode.NotFound && deadline.Elapsed < Bound, $"{response.StatusCode}");
            await Task.Delay(100);
        }

        var spans = await SpansOfAsync(trace, expected: 3);

        var root = Assert.Single(spans, s => s.Name == "activator.request");
        var queue = Assert.Single(spans, s => s.Name == "activator.queue");
        var forward = Assert.Single(spans, s => s.Name == "activator.forward");
        Assert.Equal((client, 2), (root.ParentSpanId, root.Kind)); // SPAN_KIND_SERVER
        Assert.Equal(root.SpanId, queue.ParentSpanId);
        Assert.Equal((root.SpanId, 3), (forward.ParentSpanId, forward.Kind)); // SPAN_KIND_CLIENT
        Assert.Equal($"00-{trace}-{forward.SpanId}-01", instanceParent);
    }

    /// <summary>
    /// An event's trace joins the broker and the activator: ingress (continuing the publisher's traceparent), the durable
    /// write, the delivery attempt (a child of the ingress through the event's Distributed Tracing extension) and the
    /// activator's request to the subscribing function.
    /// </summary>
    [Fact]
    public async Task Event_ThroughTheBrokerToAFunction_OneTraceFromIngressToTheInstance()
    {
        using var admin = _platform.CreateAdminClient(Bound);
        var function = Events.EventsApi.Trigger("to-traced", "com.example.traced", new Destination { Ref = new DestinationRef { Name = "traced-events" } });
        var subscriber = Admin.AdminApiTests.DotnetFunction("traced-events", "DotnetTest::DotnetTest.Handlers::Echo");
        subscriber.Spec.Scale = new ScaleSpec { InitialScale = 0 };
        await Events.EventsApi.CreateAsync(admin, "functions", subscriber);
        await Events.EventsApi.CreateAsync(admin, "triggers", function);
        await Events.EventsApi.WaitReadyAsync(admin, "to-traced", _platform);

        var trace = ActivityTraceId.CreateRandom().ToHexString();
        var client = ActivitySpanId.CreateRandom().ToHexString();
        using var ingress = new HttpClient { BaseAddress = new Uri(_platform.IngressUrl), Timeout = Bound };
        using var publish = new HttpRequestMessage(HttpMethod.Post, "/brokers/default/default") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        publish.Headers.TryAddWithoutValidation("traceparent", $"00-{trace}-{client}-01");
        foreach (var (name, value) in new[] { ("ce-specversion", "1.0"), ("ce-id", "traced-1"), ("ce-source", "urn:test"), ("ce-type", "com.example.traced") })
        {
            publish.Headers.TryAddWithoutValidation(name, value);
        }

        using (var accepted = await ingress.SendAsync(publish))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        // The delivery's span ends after the function answered: a cold start from the warm pool can export five spans
        // (the activator's queue among them) before it.
        var spans = await SpansOfAsync(trace, expected: 5, s => s.Any(x => x.Name == "activator.forward") && s.Any(x => x.Name == "broker.deliver"));

        var received = Assert.Single(spans, s => s.Name == "broker.ingress");
        var store = Assert.Single(spans, s => s.Name == "broker.store");
        var deliver = Assert.Single(spans, s => s.Name == "broker.deliver");
        var request = Assert.Single(spans, s => s.Name == "activator.request");
        var forward = Assert.Single(spans, s => s.Name == "activator.forward");
        Assert.Equal(client, received.ParentSpanId);
        Assert.Equal(received.SpanId, store.ParentSpanId);
        Assert.Equal((received.SpanId, 3), (deliver.ParentSpanId, deliver.Kind));
        Assert.Equal(deliver.SpanId, request.ParentSpanId);
        Assert.Equal(request.SpanId, forward.ParentSpanId);
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _stop.CancelAsync();
        _receiver.Stop();
        await _receiving;
        _receiver.Close();
        _stop.Dispose();
        _home.Dispose();
    }

    private async Task<List<OtlpSpan>> SpansOfAsync(string trace, int expected, Func<List<OtlpSpan>, bool>? complete = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var spans = _received.Where(s => s.TraceId == trace).ToList();
            if ((spans.Count >= expected && (complete is null || complete(spans))) || deadline.Elapsed > Bound)
            {
                return spans;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Answers every POST /v1/traces 200 (an empty ExportTraceServiceResponse) after decoding its spans.</summary>
    private async Task ReceiveAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _receiver.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
            {
                foreach (var span in OtlpTraceDecoder.Spans(body.ToArray()))
                {
                    _received.Enqueue(span);
                }
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }
}
