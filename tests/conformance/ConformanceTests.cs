using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Serverless.Conformance.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Conformance.Tests;

/// <summary>
/// The runtime contract (runtimes/README.md), one set of cases run identically against the dotnet, node and
/// python runtimes, each a real process started from the install layout as the platform starts it.
/// </summary>
public sealed class ConformanceTests(SharedRuntimes shared) : IClassFixture<SharedRuntimes>
{
    public static TheoryData<string> Runtimes => new(RuntimeLanguage.All);

    public static TheoryData<string, int> RuntimesAndStatusCodes
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var runtime in RuntimeLanguage.All)
            {
                foreach (var code in new[] { 201, 404, 418, 503 })
                {
                    data.Add(runtime, code);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Invoke_Request_EchoesMethodPathQueryHeadersAndBody(string language)
    {
        var runtime = await shared.GetAsync(language);
        using var request = new HttpRequestMessage(HttpMethod.Put, "echo/a%20b?x=1&x=2&y=z")
        {
            Content = new StringContent("héllo", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("X-Conformance", "yes");

        using var response = await runtime.Client.SendAsync(request);
        var echo = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("PUT", echo.GetProperty("method").GetString());
        Assert.Equal("/echo/a%20b", echo.GetProperty("path").GetString());
        Assert.Equal("1", echo.GetProperty("query").GetProperty("x").GetString());
        Assert.Equal("z", echo.GetProperty("query").GetProperty("y").GetString());
        Assert.Equal("yes", echo.GetProperty("headers").GetProperty("x-conformance").GetString());
        Assert.Equal("héllo", echo.GetProperty("body").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount("héllo"), echo.GetProperty("bodyLength").GetInt32());
    }

    [Theory]
    [MemberData(nameof(RuntimesAndStatusCodes))]
    public async Task Invoke_FunctionSetsStatus_StatusAndBodyPassedThrough(string language, int code)
    {
        var runtime = await shared.GetAsync(language);

        using var response = await runtime.Client.GetAsync($"status/{code}");

        Assert.Equal(code, (int)response.StatusCode);
        Assert.Equal($"status {code}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Invoke_FiveMebibyteBody_ReachesFunctionIntact(string language)
    {
        var runtime = await shared.GetAsync(language);
        var body = new byte[5 * 1024 * 1024];
        new Random(42).NextBytes(body);

        using var response = await runtime.Client.PostAsync("big", new ByteArrayContent(body));
        var echo = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, echo.GetProperty("bodyLength").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), echo.GetProperty("bodySha256").GetString());
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Invoke_BinaryModeEvent_ReplyEventInBinaryMode(string language)
    {
        var runtime = await shared.GetAsync(language);
        var sent = SampleEvent("evt-binary");

        using var response = await runtime.Client.PostAsync("", sent.ToHttpContent(ContentMode.Binary, new JsonEventFormatter()));

        await AssertReplyAsync(response, sent);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Invoke_StructuredModeEvent_ReplyEventInBinaryMode(string language)
    {
        var runtime = await shared.GetAsync(language);
        var sent = SampleEvent("evt-structured");
        // By hand rather than with the SDK, whose structured encoding also sends ce-* headers.
        var json = """{"specversion":"1.0","id":"evt-structured","source":"urn:conformance:test","type":"conformance.sent","datacontenttype":"application/json","data":{"n":1}}""";

        using var response = await runtime.Client.PostAsync("", new StringContent(json, Encoding.UTF8, "application/cloudevents+json"));

        await AssertReplyAsync(response, sent);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Invoke_EventMissingSource_400NamingAttribute(string language)
    {
        var runtime = await shared.GetAsync(language);
        using var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-id", "1");
        request.Headers.Add("ce-type", "conformance.sent");

        using var response = await runtime.Client.SendAsync(request);
        var problem = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The CloudEvent is missing the required attribute \"source\"", problem.GetProperty("detail").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Invoke_FunctionThrows_500ProblemAndProcessStaysUp(string language)
    {
        var runtime = await shared.GetAsync(language);

        using var response = await runtime.Client.GetAsync("throw");
        var problem = await ReadJsonAsync(response);
        using var after = await runtime.Client.GetAsync("echo");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // The error's text stays in the log unless the function opts in (FUNCTION_DEBUG); the caller gets its id.
        Assert.Equal("The function failed. Its log has the error under this problem's instance.", problem.GetProperty("detail").GetString());
        Assert.Matches("^urn:uuid:[0-9a-f-]{36}$", problem.GetProperty("instance").GetString());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.False(runtime.HasExited);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Invoke_FunctionThrowsWithFunctionDebug_500CarriesTypeAndMessage(string language)
    {
        await using var runtime = await ConformanceRuntime.StartReadyAsync(language, ("FUNCTION_DEBUG", "true"));

        using var response = await runtime.Client.GetAsync("throw");
        var problem = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.EndsWith(": boom", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\n", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("urn:uuid:", problem.GetProperty("instance").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Invoke_ConcurrencyLimitReached_429WithRetryAfter(string language)
    {
        await using var runtime = await ConformanceRuntime.StartReadyAsync(language, ("CONTAINER_CONCURRENCY", "1"));
        var slow = runtime.Client.GetAsync("slow?ms=2000");
        await runtime.WaitForMetricsAsync(s => s.Value("serverless_runtime_in_flight") == 1);

        using var refused = await runtime.Client.GetAsync("echo");
        using var admitted = await slow;

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("1", Assert.Single(refused.Headers.GetValues("Retry-After")));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Sigterm_RequestInFlight_NotReadyThenCompletesAndExitsZero(string language)
    {
        await using var runtime = await ConformanceRuntime.StartReadyAsync(language);
        var slow = runtime.Client.GetAsync("slow?ms=1500");
        await runtime.WaitForMetricsAsync(s => s.Value("serverless_runtime_in_flight") == 1);

        runtime.Terminate();
        await runtime.WaitForStatusAsync("readyz", HttpStatusCode.ServiceUnavailable);
        using var response = await slow;
        var exitCode = await runtime.WaitForExitAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("slept", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, exitCode);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Metrics_AfterInvocations_CountsByCodeAndHistogram(string language)
    {
        await using var runtime = await ConformanceRuntime.StartReadyAsync(language);
        for (var i = 0; i < 3; i++)
        {
            using var ok = await runtime.Client.GetAsync("echo");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var notFound = await runtime.Client.GetAsync("status/404"))
        {
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        }

        using (var health = await runtime.Platform.GetAsync("healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using var metrics = await runtime.Platform.GetAsync("metrics");
        var samples = PrometheusText.Parse(await metrics.Content.ReadAsStringAsync());

        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, samples.Value("serverless_runtime_requests_total", ("code", "200")));
        Assert.Equal(1, samples.Value("serverless_runtime_requests_total", ("code", "404")));
        Assert.Equal(0, samples.Value("serverless_runtime_in_flight"));
        Assert.Equal(4, samples.Value("serverless_runtime_request_duration_seconds_count"));
        Assert.True(samples.Value("serverless_runtime_request_duration_seconds_sum") > 0);
        var buckets = samples.Where(s => s.Name == "serverless_runtime_request_duration_seconds_bucket").ToList();
        Assert.Equal(
            ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "300", "+Inf"],
            buckets.Select(b => b.Labels["le"]));
        Assert.Equal(4, buckets[^1].Value);
        Assert.True(buckets.Zip(buckets.Skip(1)).All(pair => pair.First.Value <= pair.Second.Value), "buckets are cumulative");
    }

    /// <summary>Issue #16: Knative's probes and metrics never take a path from the function; ours live on PLATFORM_PORT.</summary>
    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Invoke_PlatformPathsOnPort_ReachTheFunction(string language)
    {
        var runtime = await shared.GetAsync(language);

        foreach (var path in new[] { "/healthz", "/readyz", "/metrics" })
        {
            using var response = await runtime.Client.GetAsync(path.TrimStart('/'));
            var echo = await ReadJsonAsync(response);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(path, echo.GetProperty("path").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task PlatformPort_ServesProbesAndMetricsOnly(string language)
    {
        var runtime = await shared.GetAsync(language);

        using var health = await runtime.Platform.GetAsync("healthz");
        using var ready = await runtime.Platform.GetAsync("readyz");
        using var metrics = await runtime.Platform.GetAsync("metrics");
        using var other = await runtime.Platform.GetAsync("echo");

        Assert.Equal((HttpStatusCode.OK, "ok"), (health.StatusCode, await health.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.OK, "ready"), (ready.StatusCode, await ready.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("serverless_runtime_in_flight", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    /// <summary>Issue #16: Knative's Host (MUST) and Forwarded (MUST) reach the function as the proxy sent them.</summary>
    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Invoke_HostAndForwarded_ReachTheFunctionUnchanged(string language)
    {
        var runtime = await shared.GetAsync(language);
        using var request = new HttpRequestMessage(HttpMethod.Get, "echo");
        request.Headers.Host = "hello.default.example.com";
        request.Headers.TryAddWithoutValidation("Forwarded", "for=192.0.2.60;by=\"127.0.0.1:8080\";proto=http;host=hello.default.example.com");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "hello.default.example.com");

        using var response = await runtime.Client.SendAsync(request);
        var headers = (await ReadJsonAsync(response)).GetProperty("headers");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello.default.example.com", headers.GetProperty("host").GetString());
        Assert.Equal("for=192.0.2.60;by=\"127.0.0.1:8080\";proto=http;host=hello.default.example.com", headers.GetProperty("forwarded").GetString());
        Assert.Equal("hello.default.example.com", headers.GetProperty("x-forwarded-host").GetString());
    }

    /// <summary>Issue #16: Knative's K_SERVICE, K_CONFIGURATION, K_REVISION (SHOULD) reach the function, and label the metrics.</summary>
    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Identity_FromThePlatform_VisibleToTheFunctionAndOnEverySeries(string language)
    {
        await using var runtime = await ConformanceRuntime.StartReadyAsync(
            language, ("K_SERVICE", "hello"), ("K_CONFIGURATION", "hello"), ("K_REVISION", "5f0c1e2d3a4b5c6d"), ("FUNCTION_NAMESPACE", "team-a"));

        using var response = await runtime.Client.GetAsync("identity");
        var identity = await ReadJsonAsync(response);
        var samples = await runtime.WaitForMetricsAsync(s => s.Any(x => x.Name == "serverless_runtime_requests_total"));

        Assert.Equal("hello", identity.GetProperty("K_SERVICE").GetString());
        Assert.Equal("hello", identity.GetProperty("K_CONFIGURATION").GetString());
        Assert.Equal("5f0c1e2d3a4b5c6d", identity.GetProperty("K_REVISION").GetString());
        Assert.Equal("team-a", identity.GetProperty("FUNCTION_NAMESPACE").GetString());
        Assert.All(samples, s => Assert.Equal(
            ("team-a", "hello", "5f0c1e2d3a4b5c6d"),
            (s.Labels.GetValueOrDefault("namespace"), s.Labels.GetValueOrDefault("function"), s.Labels.GetValueOrDefault("revision"))));
        Assert.Equal(1, samples.Value("serverless_runtime_requests_total", ("code", "200")));
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Start_HandlerNotFound_ExitsThreeWithoutListening(string language)
    {
        await using var runtime = ConformanceRuntime.Start(language, RuntimeLanguage.Get(language).MissingHandler);

        var exitCode = await runtime.WaitForExitAsync();

        Assert.Equal(3, exitCode);
        Assert.Contains("nope", runtime.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listening", runtime.StandardOutput, StringComparison.Ordinal);
    }

    private static CloudEvent SampleEvent(string id) => new()
    {
        Id = id,
        Source = new Uri("urn:conformance:test"),
        Type = "conformance.sent",
        DataContentType = "application/json",
        Data = JsonDocument.Parse("""{"n":1}""").RootElement,
    };

    private static async Task AssertReplyAsync(HttpResponseMessage response, CloudEvent sent)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"status {(int)response.StatusCode}: {body}");
        Assert.Equal("1.0", Assert.Single(response.Headers.GetValues("ce-specversion")));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        var reply = await response.ToCloudEventAsync(new JsonEventFormatter());
        Assert.Equal("reply-" + sent.Id, reply.Id);
        Assert.Equal("/conformance", reply.Source?.OriginalString);
        Assert.Equal("conformance.reply", reply.Type);
        var data = Assert.IsType<JsonElement>(reply.Data);
        Assert.Equal(sent.Id, data.GetProperty("id").GetString());
        Assert.Equal(sent.Type, data.GetProperty("type").GetString());
        Assert.Equal("urn:conformance:test", data.GetProperty("source").GetString());
        Assert.Equal(1, data.GetProperty("data").GetProperty("n").GetInt32());
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"status {(int)response.StatusCode}, not JSON: {text}", ex);
        }
    }
}
