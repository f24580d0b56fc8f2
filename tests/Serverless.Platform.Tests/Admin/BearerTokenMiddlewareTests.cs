using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Platform.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Admin;

public sealed class BearerTokenMiddlewareTests : IDisposable
{
    private readonly TempDirectory _home = new("serverless-credential");

    public void Dispose() => _home.Dispose();

    [Theory]
    [InlineData("health from anywhere", "/healthz", "10.0.0.1", null, true)]
    [InlineData("metrics from loopback", "/metrics", "127.0.0.1", null, true)]
    [InlineData("metrics from mapped loopback", "/metrics", "::ffff:127.0.0.1", null, true)]
    [InlineData("stats from IPv6 loopback", "/stats/functions", "::1", null, true)]
    [InlineData("metrics off loopback", "/metrics", "10.0.0.1", null, false)]
    [InlineData("metrics off loopback with token", "/metrics", "10.0.0.1", "Bearer tok", true)]
    [InlineData("stats off loopback", "/stats/functions", "192.168.1.2", null, false)]
    [InlineData("a path that only starts like metrics", "/metricsx", "127.0.0.1", null, false)]
    [InlineData("readiness", "/readyz", "127.0.0.1", null, false)]
    [InlineData("resources from loopback", "/apis/serverless.dev/v1alpha1/namespaces/default/functions", "127.0.0.1", null, false)]
    [InlineData("resources with token", "/apis/serverless.dev/v1alpha1/namespaces/default/functions", "127.0.0.1", "Bearer tok", true)]
    [InlineData("scheme in lower case", "/apis", "127.0.0.1", "bearer tok", true)]
    [InlineData("wrong token", "/apis", "127.0.0.1", "Bearer tok2", false)]
    [InlineData("token prefix", "/apis", "127.0.0.1", "Bearer to", false)]
    [InlineData("other scheme", "/apis", "127.0.0.1", "Basic tok", false)]
    [InlineData("unknown peer", "/metrics", null, null, false)]
    public async Task InvokeAsync_Request_PassesOrAnswers401(string label, string path, string? remote, string? authorization, bool passes)
    {
        var credential = AdminCredential.LoadOrCreate(_home.Path, "tok", NullLogger.Instance);
        var passed = false;
        var middleware = new BearerTokenMiddleware(_ => { passed = true; return Task.CompletedTask; }, credential);
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = remote is null ? null : IPAddress.Parse(remote);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        context.Response.Body = new MemoryStream();

        await middleware.InvokeAsync(context);

        Assert.True(passed == passes, label);
        Assert.True(passes || context.Response.StatusCode == StatusCodes.Status401Unauthorized, label + ": " + context.Response.StatusCode);
    }
}
