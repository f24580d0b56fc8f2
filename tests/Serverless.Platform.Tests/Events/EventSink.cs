using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Serverless.Platform.Tests.Events;

/// <summary>
/// A URI subscriber on loopback port 0 that records every binary-mode event it receives, per path:
/// <c>/ok</c> accepts (503 while <see cref="Paused"/>), <c>/flaky</c> answers 500 to the first two attempts of each event id
/// then 200, <c>/fail</c> always answers 500 with a body, <c>/dlq</c> accepts (a dead-letter sink), <c>/hold</c> accepts
/// once <see cref="Release"/> is called, recording each event when it arrives.
/// </summary>
internal sealed class EventSink : IAsyncDisposable
{
    public const string FailureBody = "permanent failure: order store unavailable";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EventSink(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public volatile bool Paused;

    public ConcurrentQueue<Received> All { get; } = new();

    public IEnumerable<Received> At(string path) => All.Where(r => r.Path == path);

    /// <summary>Lets every held request, and those to come, through to their 202.</summary>
    public void Release() => _released.TrySetResult();

    public sealed record Received(string Path, string Id, string Type, DateTimeOffset At, IReadOnlyDictionary<string, string> Attributes);

    public static async Task<EventSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var sink = new EventSink(app);
        app.Run(sink.HandleAsync);
        await app.StartAsync();
        sink.Url = app.Urls.First().TrimEnd('/');
        return sink;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var attributes = context.Request.Headers
            .Where(h => h.Key.StartsWith("ce-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key[3..].ToLowerInvariant(), h => h.Value.ToString());
        var id = attributes.GetValueOrDefault("id", "");
        if (path == "/ok" && Paused)
        {
            context.Response.StatusCode = 503;
            return;
        }

        All.Enqueue(new Received(path, id, attributes.GetValueOrDefault("type", ""), DateTimeOffset.UtcNow, attributes));
        switch (path)
        {
            case "/flaky":
                context.Response.StatusCode = _attempts.AddOrUpdate(id, 1, (_, n) => n + 1) <= 2 ? 500 : 200;
                return;
            case "/fail":
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync(FailureBody);
                return;
            case "/hold":
                await _released.Task.WaitAsync(context.RequestAborted);
                context.Response.StatusCode = 202;
                return;
            default:
                context.Response.StatusCode = 202;
                return;
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
