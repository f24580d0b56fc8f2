using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>Failures and limits, each against a runtime of its own configured for the case.</summary>
public sealed class RuntimeFailureTests
{
    private const string InFlight = "serverless_runtime_in_flight";

    [Fact]
    public async Task Invoke_HandlerThrows_Returns500ProblemAndKeepsServing()
    {
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Throw");

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await runtime.Client.GetAsync("");
            var problem = await ReadProblemAsync(response);

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("Internal Server Error", problem.GetProperty("title").GetString());
            Assert.Equal(500, problem.GetProperty("status").GetInt32());
            // Issue #14 item 19: the exception's text stays in the log, under the problem's instance id.
            Assert.StartsWith("The function failed.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("boom", problem.GetRawText(), StringComparison.Ordinal);
            Assert.Matches("^urn:uuid:[0-9a-f-]{36}$", problem.GetProperty("instance").GetString());
        }

        using var health = await runtime.Platform.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(runtime.HasExited);
        Assert.Contains("boom from the test function", runtime.StandardOutput + runtime.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_HandlerThrowsWithFunctionDebug_500CarriesTheExceptionText()
    {
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Throw", ("FUNCTION_DEBUG", "true"));

        using var response = await runtime.Client.GetAsync("");
        var problem = await ReadProblemAsync(response);

        Assert.Equal("System.InvalidOperationException: boom from the test function", problem.GetProperty("detail").GetString());
        Assert.StartsWith("urn:uuid:", problem.GetProperty("instance").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_PastFunctionTimeout_Returns504CancelsTheHandlerAndReleasesInFlight()
    {
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Slow", ("FUNCTION_TIMEOUT", "1"));

        var clock = Stopwatch.StartNew();
        using var response = await runtime.Client.GetAsync("?ms=5000");
        var elapsed = clock.Elapsed;
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("The function did not answer within its timeout of 1 s.", problem.GetProperty("detail").GetString());
        // The handler honoured its token: the answer came at the timeout, well before the 5 s it asked for.
        Assert.True(elapsed < TimeSpan.FromSeconds(4.5), $"answered after {elapsed}");
        // Released and counted once the 504 is flushed, which the client may see first: wait for both (bounded).
        var samples = await runtime.WaitForMetricsAsync(s => s.Value(InFlight) == 0 && s.ValueOrZero("serverless_runtime_requests_total", ("code", "504")) >= 1);
        Assert.Equal(1, samples.Value("serverless_runtime_requests_total", ("code", "504")));

        using var next = await runtime.Client.GetAsync("?ms=1");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Invoke_HandlerIgnoringCancellationPastTimeout_Returns504AndClosesTheConnection()
    {
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Stubborn", ("FUNCTION_TIMEOUT", "1"));

        var clock = Stopwatch.StartNew();
        using var response = await runtime.Client.GetAsync("?ms=10000");
        var elapsed = clock.Elapsed;

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(response.Headers.ConnectionClose, "a connection the handler may still touch must not be reused");
        Assert.True(elapsed < TimeSpan.FromSeconds(8), $"answered after {elapsed}");

        // The slot is released as the answer goes out: the client can read it a moment before that (bounded wait).
        await runtime.WaitForMetricsAsync(s => s.Value(InFlight) == 0);
    }

    [Fact]
    public async Task Invoke_BeyondContainerConcurrency_Returns429WithRetryAfterAtOnce()
    {
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Slow", ("CONTAINER_CONCURRENCY", "1"));
        using var firstCaller = new CancellationTokenSource(Bounds.Request);
        var first = runtime.Client.GetAsync("?ms=30000", firstCaller.Token);
        await runtime.WaitForMetricsAsync(s => s.Value(InFlight) == 1);

        using var second = await runtime.Client.GetAsync("?ms=1");
        var problem = await ReadProblemAsync(second);

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), second.Headers.RetryAfter?.Delta);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.False(first.IsCompleted);

        // The first caller gives up: its slot is released and the next request is admitted.
        await firstCaller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await runtime.WaitForMetricsAsync(s => s.Value(InFlight) == 0);
        using var third = await runtime.Client.GetAsync("?ms=1");
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task Invoke_BodyAroundTheLimit_Returns413OverItAnd200AtIt()
    {
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Big", ("MAX_REQUEST_BODY_BYTES", "1024"));

        using var atLimit = await runtime.Client.PostAsync("", new ByteArrayContent(new byte[1024]));
        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Equal("1024", await atLimit.Content.ReadAsStringAsync());

        using var overLimit = await runtime.Client.PostAsync("", new ByteArrayContent(new byte[1025]));
        var problem = await ReadProblemAsync(overLimit);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, overLimit.StatusCode);
        Assert.Contains("at most 1024 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Without a Content-Length the limit is found while reading.
        using var chunked = new StreamContent(new MemoryStream(new byte[4096]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var overLimitChunked = await runtime.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, overLimitChunked.StatusCode);
    }

    // Issue #14 item 8: a chunked body far past the limit got a broken pipe (502 through the activator): the runtime
    // closed the connection at once while the caller was still sending.
    [Fact]
    public async Task Invoke_ChunkedBodyFarPastTheLimit_CallerStillSendingGets413()
    {
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Big", ("MAX_REQUEST_BODY_BYTES", "1024"));

        using var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = new StreamContent(new MemoryStream(new byte[16 * 1024 * 1024])) };
        request.Headers.TransferEncodingChunked = true;
        using var response = await runtime.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("exceeds the limit of 1024 bytes", (await ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var next = await runtime.Client.PostAsync("", new ByteArrayContent(new byte[10]));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    private static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
