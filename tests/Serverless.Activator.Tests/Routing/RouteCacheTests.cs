using Microsoft.AspNetCore.Http;
using Serverless.Activator.Routing;

namespace Serverless.Activator.Tests.Routing;

public sealed class RouteCacheTests
{
    private static HttpRequest Request(string host, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString(host);
        context.Request.Path = new PathString(path);
        return context.Request;
    }

    /// <summary>After the first request to a function is remembered, the cache answers exactly as the router does.</summary>
    [Theory]
    [InlineData("path, root", "127.0.0.1:8080", "/default/hello", "/default/hello/x")]
    [InlineData("path, trailing slash", "127.0.0.1:8080", "/default/hello/", "/default/hello/")]
    [InlineData("path, sub path and no port", "localhost", "/default/hello/a", "/default/hello/api/items")]
    [InlineData("host with port", "hello.default.localhost:8080", "/", "/x/y")]
    [InlineData("host, other case", "hello.default.localhost", "/", "/")]
    [InlineData("host, fully qualified with a port", "hello.default.localhost.:8080", "/", "/x")]
    [InlineData("IPv6 host", "[::1]:8080", "/default/hello", "/default/hello/z")]
    [InlineData("function host naming another function wins over the path", "other.default.localhost", "/default/hello", "/default/hello/")]
    [InlineData("unremembered path prefix", "127.0.0.1", "/default/hello", "/default/hello2/")]
    public void TryRoute_AfterRemember_SameAsRouter(string label, string host, string firstPath, string path)
    {
        var cache = new RouteCache("localhost");
        Assert.True(cache.TryRoute(Request(host, firstPath), out var first, out var wasRemembered), label);
        Assert.False(wasRemembered);
        cache.Remember(Request(host, firstPath), first);
        var request = Request(label.Contains("other case", StringComparison.Ordinal) ? host.ToUpperInvariant() : host, path);

        var cached = cache.TryRoute(request, out var match, out _);
        var routed = RequestRouter.TryRoute(request.Host.Host, request.Path, "localhost", out var expected);

        Assert.True(routed == cached, label);
        Assert.True(expected == match, $"{label}: {match} instead of {expected}");
    }

    [Fact]
    public void TryRoute_RememberedRoutes_ComeFromTheCache()
    {
        var cache = new RouteCache("localhost");
        foreach (var (host, path) in new[] { ("127.0.0.1", "/default/hello/a"), ("hello.default.localhost:8080", "/b") })
        {
            Assert.True(cache.TryRoute(Request(host, path), out var first, out _));
            cache.Remember(Request(host, path), first);

            Assert.True(cache.TryRoute(Request(host, path), out var again, out var remembered));
            Assert.True(remembered, $"{host}{path}");
            Assert.Equal(first, again);
        }
    }

    [Fact]
    public void Remember_HostInAnyCaseOrFullyQualified_IsOneEntry()
    {
        var cache = new RouteCache("localhost");
        Assert.True(cache.TryRoute(Request("echo.default.localhost", "/"), out var first, out _));
        cache.Remember(Request("echo.default.localhost", "/"), first);

        foreach (var host in new[] { "ECHO.DEFAULT.LOCALHOST", "Echo.Default.Localhost.", "echo.default.localhost.:80" })
        {
            Assert.True(cache.TryRoute(Request(host, "/"), out var match, out var remembered), host);
            Assert.True(remembered, $"{host} was not served from the one remembered entry");
            Assert.Equal(first, match);
        }
    }
}
