using Microsoft.AspNetCore.Http;
using Serverless.Runtime.Dotnet.Hosting;
using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Hosting;

public sealed class RequestDispatcherTests
{
    private const int PublicPort = 8080;
    private const int PlatformPort = 9091;

    [Theory]
    [InlineData("Loading", PlatformPort, "/readyz", 503, "loading")]
    [InlineData("Ready", PlatformPort, "/readyz", 200, "ready")]
    [InlineData("Draining", PlatformPort, "/readyz", 503, "draining")]
    [InlineData("Loading", PlatformPort, "/healthz", 200, "ok")]
    [InlineData("Ready", PlatformPort, "/healthz", 200, "ok")]
    [InlineData("Draining", PlatformPort, "/healthz", 200, "ok")]
    [InlineData("Ready", PlatformPort, "/anything", 404, "not found: the platform port serves /healthz, /readyz and /metrics")]
    [InlineData("Ready", PlatformPort, "/readyz/", 404, "not found: the platform port serves /healthz, /readyz and /metrics")]
    [InlineData("Ready", PublicPort, "/anything", 200, "handler")]
    [InlineData("Ready", PublicPort, "/readyz", 200, "handler")]
    [InlineData("Ready", PublicPort, "/healthz", 200, "handler")]
    [InlineData("Draining", PublicPort, "/healthz", 200, "handler")]
    [InlineData("Ready", PublicPort, "/metrics", 200, "handler")]
    [InlineData("Draining", PublicPort, "/", 200, "handler")]
    public async Task DispatchAsync_PathOnPortInPhase_AnswersAsExpected(string phase, int port, string path, int expectedStatus, string expectedBody)
    {
        var (dispatcher, readiness, test) = Create();
        Move(readiness, Enum.Parse<ReadinessPhase>(phase));
        var context = TestPipeline.NewContext(path: path);
        context.Connection.LocalPort = port;

        await dispatcher.DispatchAsync(context);

        Assert.Equal(expectedStatus, context.Response.StatusCode);
        Assert.Equal(expectedBody, TestPipeline.ResponseText(context));
        var invoked = expectedBody == "handler" ? 1 : 0;
        Assert.Equal(invoked, (await test.ScrapeAsync()).Where(s => s.Name == "serverless_runtime_requests_total").Sum(s => s.Value));
    }

    [Fact]
    public async Task DispatchAsync_Metrics_ServesPrometheusTextAndIsNotCounted()
    {
        var (dispatcher, readiness, _) = Create();
        readiness.MarkReady();
        await dispatcher.DispatchAsync(TestPipeline.NewContext(path: "/x"));
        var context = TestPipeline.NewContext(path: "/metrics");
        context.Connection.LocalPort = PlatformPort;

        await dispatcher.DispatchAsync(context);

        Assert.StartsWith("text/plain; version=0.0.4", context.Response.ContentType, StringComparison.Ordinal);
        var samples = PrometheusText.Parse(TestPipeline.ResponseText(context));
        Assert.Equal(1, samples.Value("serverless_runtime_requests_total", ("code", "200")));
        Assert.Equal(0, samples.Value("serverless_runtime_in_flight"));
    }

    [Fact]
    public async Task DispatchAsync_NoPlatformPort_EveryPathInvokesTheFunction()
    {
        var test = new TestPipeline(context => context.Response.WriteAsync("handler"));
        var dispatcher = new RequestDispatcher(test.Pipeline, new ReadinessState(), test.Metrics, platformPort: null);
        var context = TestPipeline.NewContext(path: "/readyz");

        await dispatcher.DispatchAsync(context);

        Assert.Equal("handler", TestPipeline.ResponseText(context));
    }

    [Fact]
    public void MarkReady_AfterDrainBegan_StaysDraining()
    {
        var readiness = new ReadinessState();
        readiness.MarkDraining();

        readiness.MarkReady();

        Assert.Equal(ReadinessPhase.Draining, readiness.Phase);
    }

    private static (RequestDispatcher Dispatcher, ReadinessState Readiness, TestPipeline Test) Create()
    {
        var test = new TestPipeline(context => context.Response.WriteAsync("handler"));
        var readiness = new ReadinessState();
        return (new RequestDispatcher(test.Pipeline, readiness, test.Metrics, PlatformPort), readiness, test);
    }

    private static void Move(ReadinessState readiness, ReadinessPhase phase)
    {
        if (phase >= ReadinessPhase.Ready)
        {
            readiness.MarkReady();
        }

        if (phase == ReadinessPhase.Draining)
        {
            readiness.MarkDraining();
        }
    }
}
