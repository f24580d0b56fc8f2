using System.Net;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Serverless.Activator.Forwarding;

namespace Serverless.Activator.Tests.Forwarding;

public sealed class ConnectionForwardedValueTests
{
    [Theory]
    [InlineData("HTTP/1.1, same host: built once per connection", "HTTP/1.1", "a.example", "a.example", true)]
    [InlineData("HTTP/1.0, same host: built once per connection", "HTTP/1.0", "a.example", "a.example", true)]
    [InlineData("HTTP/1.1, another host on the connection: built again", "HTTP/1.1", "a.example", "b.example", false)]
    [InlineData("HTTP/1.1, a host, then none: built again", "HTTP/1.1", "a.example", null, false)]
    [InlineData("HTTP/2: streams run concurrently, built per request", "HTTP/2", "a.example", "a.example", false)]
    public void For_TwoRequestsOnOneConnection_ReusesOnlyWhatStillHolds(string label, string protocol, string? firstHost, string? secondHost, bool reused)
    {
        var items = new ConnectionItems();
        var first = ConnectionForwardedValue.For(Request(items, protocol), firstHost);
        var second = ConnectionForwardedValue.For(Request(items, protocol), secondHost);

        Assert.True(ForwardedHeader.Format(IPAddress.Parse("192.0.2.7"), IPAddress.Loopback, 8080, "http", firstHost) == first, $"{label}: {first}");
        Assert.True(ForwardedHeader.Format(IPAddress.Parse("192.0.2.7"), IPAddress.Loopback, 8080, "http", secondHost) == second, $"{label}: {second}");
        Assert.True(reused == ReferenceEquals(first, second), label);
    }

    [Fact]
    public void For_NoConnectionItems_BuildsEachTime()
    {
        var context = Request(null, "HTTP/1.1");

        Assert.Equal("for=192.0.2.7;by=\"127.0.0.1:8080\";proto=http;host=h", ConnectionForwardedValue.For(context, "h"));
    }

    private static DefaultHttpContext Request(ConnectionItems? items, string protocol)
    {
        var context = new DefaultHttpContext();
        context.Request.Protocol = protocol;
        context.Request.Scheme = "http";
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.7");
        context.Connection.LocalIpAddress = IPAddress.Loopback;
        context.Connection.LocalPort = 8080;
        if (items is not null)
        {
            context.Features.Set<IConnectionItemsFeature>(items);
        }

        return context;
    }

    /// <summary>A connection's items, as Kestrel keeps them for the requests of one connection.</summary>
    private sealed class ConnectionItems : IConnectionItemsFeature
    {
        public IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
    }
}
