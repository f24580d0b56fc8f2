using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Runtime.Dotnet.Concurrency;
using Serverless.Runtime.Dotnet.Invocation;
using Serverless.Runtime.Dotnet.Loading;
using Serverless.Runtime.Dotnet.Metrics;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Support;

/// <summary>An <see cref="InvocationPipeline"/> around an inline handler, on virtual time, with its own registry.</summary>
internal sealed class TestPipeline
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan UnwindGrace = TimeSpan.FromSeconds(1);
    public const long MaxBody = 1024;

    public TestPipeline(RequestDelegate handler, int concurrency = 0)
    {
        Limiter = new ConcurrencyLimiter(concurrency);
        Metrics = new RuntimeMetrics(Limiter, new Dictionary<string, string>());
        Pipeline = new InvocationPipeline(
            new LoadedHandler(new HandlerName("Test", "Test.Handler", "Run"), typeof(TestPipeline).GetMethod(nameof(Placeholder))!, handler, instance: null),
            Limiter,
            Metrics,
            new InvocationOptions(Timeout, MaxBody, UnwindGrace),
            Time,
            Logger);
    }

    public InvocationPipeline Pipeline { get; }

    public ConcurrencyLimiter Limiter { get; }

    public RuntimeMetrics Metrics { get; }

    public ManualTimeProvider Time { get; } = new();

    public RecordingLogger<InvocationPipeline> Logger { get; } = new();

    public static void Placeholder()
    {
    }

    public static DefaultHttpContext NewContext(string method = "GET", string path = "/")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Protocol = "HTTP/1.1";
        context.Response.Body = new MemoryStream();
        return context;
    }

    public static string ResponseText(HttpContext context) =>
        Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    public static JsonElement ResponseJson(HttpContext context) =>
        JsonDocument.Parse(((MemoryStream)context.Response.Body).ToArray()).RootElement;

    public Task<IReadOnlyList<PrometheusSample>> ScrapeAsync() => Task.FromResult(PrometheusText.Parse(Metrics.Export()));
}
