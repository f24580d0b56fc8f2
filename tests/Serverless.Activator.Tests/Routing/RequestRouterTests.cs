using Microsoft.AspNetCore.Http;
using Serverless.Activator.Routing;

namespace Serverless.Activator.Tests.Routing;

public sealed class RequestRouterTests
{
    [Theory]
    [InlineData("by path, root", "127.0.0.1", "/default/hello", "default", "hello", "/", "/default/hello")]
    [InlineData("by path, trailing slash", "127.0.0.1", "/default/hello/", "default", "hello", "/", "/default/hello")]
    [InlineData("by path, sub path", "localhost", "/team-a/fn-1/api/items", "team-a", "fn-1", "/api/items", "/team-a/fn-1")]
    [InlineData("by host", "hello.default.localhost", "/x/y", "default", "hello", "/x/y", "")]
    [InlineData("by host, case-insensitive domain", "hello.default.LOCALHOST", "/", "default", "hello", "/", "")]
    [InlineData("by host, case-insensitive labels (issue #14)", "ECHO.Default.LOCALHOST", "/", "default", "echo", "/", "")]
    [InlineData("by host, fully qualified with the root dot (issue #14)", "echo.default.localhost.", "/a", "default", "echo", "/a", "")]
    public void TryRoute_ValidRequest_Matches(string label, string host, string path, string ns, string name, string instancePath, string prefix)
    {
        var matched = RequestRouter.TryRoute(host, new PathString(path), "localhost", out var match);

        Assert.True(matched, label);
        Assert.Equal(ns, match.Key.Namespace);
        Assert.Equal(name, match.Key.Name);
        Assert.Equal(instancePath, match.InstancePath.Value);
        Assert.Equal(prefix, match.Prefix.Value ?? "");
    }

    [Theory]
    [InlineData("root", "127.0.0.1", "/")]
    [InlineData("namespace only", "127.0.0.1", "/default")]
    [InlineData("upper case", "127.0.0.1", "/Default/Hello")]
    [InlineData("dot dot", "127.0.0.1", "/../etc/passwd")]
    [InlineData("empty segment", "127.0.0.1", "//hello/")]
    [InlineData("shell characters", "127.0.0.1", "/default/a;rm -rf/")]
    [InlineData("64 characters", "127.0.0.1", "/default/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/")]
    [InlineData("host with three labels and bad path", "a.b.c.localhost", "/")]
    [InlineData("host of another domain and bad path", "hello.default.example.com", "/")]
    [InlineData("empty tag", "127.0.0.1", "/default/hello@/")]
    [InlineData("upper-case tag", "127.0.0.1", "/default/hello@Canary/")]
    [InlineData("two tags", "127.0.0.1", "/default/hello@a@b/")]
    [InlineData("tag without function", "127.0.0.1", "/default/@canary/")]
    public void TryRoute_Unroutable_DoesNotMatch(string label, string host, string path)
    {
        Assert.False(RequestRouter.TryRoute(host, new PathString(path), "localhost", out _), label);
    }

    [Theory]
    [InlineData("/default/hello@canary/api", "hello", "canary", "/api", "/default/hello@canary")]
    [InlineData("/default/hello@canary", "hello", "canary", "/", "/default/hello@canary")]
    [InlineData("/default/hello/a@b", "hello", null, "/a@b", "/default/hello")]
    public void TryRoute_TaggedPath_MatchesTheFunctionWithItsTag(string path, string name, string? tag, string instancePath, string prefix)
    {
        Assert.True(RequestRouter.TryRoute("127.0.0.1", new PathString(path), "localhost", out var match));

        Assert.Equal((name, tag, instancePath, prefix), (match.Key.Name, match.Tag, match.InstancePath.Value, match.Prefix.Value));
    }
}
