using System.Net;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Tests.Fakes;

namespace Serverless.Eventing.Tests.Delivery;

/// <summary>The sender against a real Kestrel subscriber on loopback port 0.</summary>
public sealed class HttpEventSenderTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private string _url = null!;
    private readonly HttpEventSender _sender = new(TimeProvider.System);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/echo", async context =>
        {
            // Answers with a reply event in binary mode describing what arrived.
            var reply = new CloudEvent
            {
                Id = "reply-" + context.Request.Headers["ce-id"],
                Source = new Uri("/subscriber", UriKind.Relative),
                Type = "reply",
            };
            reply.SetAttributeFromString("prefer", context.Request.Headers["Prefer"].ToString());
            reply.SetAttributeFromString("mode", context.Request.ContentType ?? "none");
            await CopyAsync(reply.ToHttpContent(ContentMode.Binary, new JsonEventFormatter()), context.Response);
        });
        _app.MapPost("/busy", context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "7";
            return context.Response.WriteAsync("overloaded");
        });
        _app.MapPost("/slow", async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        _app.MapPost("/accept", context => { context.Response.StatusCode = 202; return Task.CompletedTask; });
        await _app.StartAsync();
        _url = _app.Urls.First().TrimEnd('/');
    }

    private static async Task CopyAsync(HttpContent content, HttpResponse response)
    {
        foreach (var (name, values) in content.Headers)
        {
            response.Headers[name] = values.ToArray();
        }

        await content.CopyToAsync(response.Body);
    }

    [Fact]
    public async Task Send_ToReplyingSubscriber_SendsBinaryWithPreferReplyAndReadsTheReply()
    {
        var result = await _sender.SendAsync(new Uri(_url + "/echo"), TestEvents.Event("e1", data: new { a = 1 }), TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(200, result.StatusCode);
        Assert.NotNull(result.Reply);
        Assert.Equal("reply-e1", result.Reply.Id);
        Assert.Equal("reply", result.Reply["prefer"]);
        Assert.StartsWith("application/json", (string)result.Reply["mode"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_Accepted_HasNoReply()
    {
        var result = await _sender.SendAsync(new Uri(_url + "/accept"), TestEvents.Event("e1"), TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal((202, null, null), (result.StatusCode, result.Reply, result.Error));
    }

    [Fact]
    public async Task Send_Busy_ReturnsStatusRetryAfterAndBody()
    {
        var result = await _sender.SendAsync(new Uri(_url + "/busy"), TestEvents.Event("e1"), TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal((503, TimeSpan.FromSeconds(7), "overloaded"), (result.StatusCode, result.RetryAfter, result.Error));
    }

    [Fact]
    public async Task Send_SlowSubscriber_TimesOutWithReason()
    {
        var result = await _sender.SendAsync(new Uri(_url + "/slow"), TestEvents.Event("e1"), TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Null(result.StatusCode);
        Assert.Contains("no response", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_NothingListening_IsRetryableError()
    {
        var port = Serverless.TestSupport.FreePort.Next();

        var result = await _sender.SendAsync(new Uri($"http://127.0.0.1:{port}/"), TestEvents.Event("e1"), TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Null(result.StatusCode);
        Assert.NotNull(result.Error);
    }

    public async Task DisposeAsync()
    {
        _sender.Dispose();
        await _app.DisposeAsync();
    }
}
