using System.Net;
using Serverless.Activator.Forwarding;

namespace Serverless.Activator.Tests.Forwarding;

public sealed class ForwardedHeaderTests
{
    [Theory]
    [InlineData("IPv4, host a token", "192.0.2.60", "127.0.0.1", 8080, "http", "hello.default.example.com", "for=192.0.2.60;by=\"127.0.0.1:8080\";proto=http;host=hello.default.example.com")]
    [InlineData("IPv6 bracketed and quoted (RFC 7239 section 6)", "2001:db8:cafe::17", "::1", 8080, "https", "h.example", "for=\"[2001:db8:cafe::17]\";by=\"[::1]:8080\";proto=https;host=h.example")]
    [InlineData("IPv4-mapped IPv6 as IPv4", "::ffff:192.0.2.1", "::ffff:10.0.0.1", 80, "http", "h", "for=192.0.2.1;by=\"10.0.0.1:80\";proto=http;host=h")]
    [InlineData("host with a port is quoted", "192.0.2.1", "127.0.0.1", 8080, "http", "127.0.0.1:8080", "for=192.0.2.1;by=\"127.0.0.1:8080\";proto=http;host=\"127.0.0.1:8080\"")]
    [InlineData("quote and backslash escaped", "192.0.2.1", "127.0.0.1", 8080, "http", "a\"b\\c", "for=192.0.2.1;by=\"127.0.0.1:8080\";proto=http;host=\"a\\\"b\\\\c\"")]
    [InlineData("unknown client, no host", null, "127.0.0.1", 8080, "http", null, "for=unknown;by=\"127.0.0.1:8080\";proto=http")]
    [InlineData("no local address", "192.0.2.1", null, 0, "http", "", "for=192.0.2.1;by=unknown;proto=http")]
    public void Format_Cases_FollowRfc7239(string label, string? client, string? local, int localPort, string scheme, string? host, string expected)
    {
        var value = ForwardedHeader.Format(client is null ? null : IPAddress.Parse(client), local is null ? null : IPAddress.Parse(local), localPort, scheme, host);

        Assert.True(expected == value, $"{label}: {value}");
    }
}
