using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Serverless.Activator.Configuration;
using Serverless.Activator.Tests.Fakes;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Activator.Tests.Forwarding;

/// <summary>
/// Issue #4: what a plain request/response proxy loses must pass through the activator: WebSocket upgrades (the
/// connection then carries frames both ways, the slot held until it closes), HTTP trailers, and every header, with
/// the <c>X-Forwarded-*</c> an instance needs to build its public URLs.
/// </summary>
public sealed class PassThroughTests
{
    private static readonly FunctionKey Hello = new("default", "hello");

    [Fact]
    public async Task InvokeAsync_WebSocketUpgrade_EchoesFramesAndHoldsTheSlotUntilClosed()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var instance = await InstanceServer.StartAsync("ws", EchoWebSocket);
        harness.Endpoints.Set(Hello, instance.Endpoint());
        var url = new UriBuilder(harness.Client.BaseAddress!) { Scheme = "ws", Path = "/default/hello/echo" }.Uri;
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(url, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, harness.Functions.ActiveRequests(Hello)); // the upgraded connection holds its slot
        foreach (var text in new[] { "hello", new string('x', 100_000) })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            Assert.Equal("echo:" + text, await ReceiveTextAsync(socket).WaitAsync(TimeSpan.FromSeconds(10)));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketState.Closed, socket.State);
        await harness.WaitForActiveAsync(Hello, 0);
        Assert.Equal(1, instance.Requests);
    }

    [Fact]
    public async Task InvokeAsync_Http2ResponseTrailers_ReachTheClient()
    {
        // Kestrel takes cleartext HTTP/2 only on an HTTP/2-only endpoint: the ingress and the instance both have one,
        // as a gRPC deployment without TLS does.
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, HttpProtocols.Http2, ProxyHarness.TestFunction("hello"));
        await using var instance = await InstanceServer.StartAsync("grpc-like", WriteWithTrailers, HttpProtocols.Http2);
        harness.Endpoints.Set(Hello, instance.Endpoint());
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = harness.Client.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/default/hello/call")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact, // h2c with prior knowledge, as gRPC clients do
            Content = new StringContent("ping"),
        };

        using var response = await client.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(10));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("pong:ping", body);
        Assert.True(response.TrailingHeaders.TryGetValues("grpc-status", out var status), $"no trailers; got [{string.Join(", ", response.TrailingHeaders.Select(h => h.Key))}]");
        Assert.Equal("0", Assert.Single(status));
    }

    [Theory]
    [InlineData("path route", null, "/default/hello/x/y?q=1", "/default/hello")]
    [InlineData("host route", "hello.default.localhost", "/x/y?q=1", null)]
    [InlineData("host route in upper case (issue #14)", "HELLO.DEFAULT.LOCALHOST", "/x/y?q=1", null)]
    [InlineData("host route, fully qualified (issue #14)", "hello.default.localhost.", "/x/y?q=1", null)]
    public async Task InvokeAsync_Headers_KeptAndForwardedHeadersAdded(string label, string? host, string url, string? prefix)
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var instance = await InstanceServer.StartAsync("h", EchoRequestLine);
        harness.Endpoints.Set(Hello, instance.Endpoint());
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Host = host;
        request.Headers.Add("ce-id", "42");

        using var response = await harness.Client.SendAsync(request);
        var seen = (await response.Content.ReadAsStringAsync()).Split('\n');

        Assert.True(HttpStatusCode.OK == response.StatusCode, label);
        var ingress = harness.Client.BaseAddress!.Authority;
        var sentHost = host ?? ingress;
        var forwardedHost = sentHost.Contains(':', StringComparison.Ordinal) ? $"\"{sentHost}\"" : sentHost;
        Assert.Equal(
            [
                "/x/y?q=1", "42", "127.0.0.1", "http", sentHost, prefix ?? "(none)",
                sentHost, // issue #16: the client's Host reaches the function unchanged (Knative's MUST)
                $"for=127.0.0.1;by=\"{ingress}\";proto=http;host={forwardedHost}", // RFC 7239
            ],
            seen);
        Assert.Equal(1, harness.Metrics.RequestsTotal.WithLabels("default/hello", "", "200").Value);
    }

    /// <summary>Issue #16: what a client claims about the hops before us is never passed on as if we had said it.</summary>
    [Fact]
    public async Task InvokeAsync_ClientSentForwardingHeaders_ReplacedByOurs()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var instance = await InstanceServer.StartAsync("h", EchoRequestLine);
        harness.Endpoints.Set(Hello, instance.Endpoint());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.Host = "hello.default.localhost";
        request.Headers.TryAddWithoutValidation("Forwarded", "for=203.0.113.9;proto=https;host=evil.example");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.9");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "evil.example");

        using var response = await harness.Client.SendAsync(request);
        var seen = (await response.Content.ReadAsStringAsync()).Split('\n');

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["127.0.0.1", "http", "hello.default.localhost"], seen[2..5]);
        Assert.Equal("hello.default.localhost", seen[6]);
        Assert.Equal($"for=127.0.0.1;by=\"{harness.Client.BaseAddress!.Authority}\";proto=http;host=hello.default.localhost", seen[7]);
    }

    /// <summary>
    /// The Forwarded element is kept per connection (issue #17 item 8): requests naming different hosts on one
    /// keep-alive connection must each get their own host, in Kestrel as it is, not a stale one.
    /// </summary>
    [Fact]
    public async Task InvokeAsync_HostsChangingOnOneConnection_EachForwardedNamesItsOwnHost()
    {
        await using var harness = await ProxyHarness.StartAsync(new ActivatorOptions(), TimeProvider.System, ProxyHarness.TestFunction("hello"));
        await using var instance = await InstanceServer.StartAsync("h", EchoRequestLine);
        harness.Endpoints.Set(Hello, instance.Endpoint());
        var connections = 0;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = 1,
            ConnectCallback = async (context, cancellationToken) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        })
        { BaseAddress = harness.Client.BaseAddress };
        var by = harness.Client.BaseAddress!.Authority;

        foreach (var host in new[] { "one.example", "one.example", "two.example", "one.example" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/default/hello/x");
            request.Headers.Host = host;
            using var response = await client.SendAsync(request);
            var seen = (await response.Content.ReadAsStringAsync()).Split('\n');

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"for=127.0.0.1;by=\"{by}\";proto=http;host={host}", seen[7]);
        }

        Assert.Equal(1, connections);
    }

    private static Task EchoRequestLine(HttpContext context)
    {
        var headers = context.Request.Headers;
        string Of(string name) => headers.TryGetValue(name, out var value) ? value.ToString() : "(none)";
        return context.Response.WriteAsync(string.Join(
            '\n',
            context.Request.Path + context.Request.QueryString,
            Of("ce-id"),
            Of("X-Forwarded-For"),
            Of("X-Forwarded-Proto"),
            Of("X-Forwarded-Host"),
            Of("X-Forwarded-Prefix"),
            Of("Host"),
            Of("Forwarded")));
    }

    private static async Task EchoWebSocket(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        while (await ReceiveTextAsync(socket) is { } text)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes("echo:" + text), WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
    }

    private static async Task WriteWithTrailers(HttpContext context)
    {
        var request = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        context.Response.DeclareTrailer("grpc-status");
        await context.Response.WriteAsync("pong:" + request, context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    /// <summary>One whole text message, or null once the peer closes.</summary>
    private static async Task<string?> ReceiveTextAsync(WebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }
}
