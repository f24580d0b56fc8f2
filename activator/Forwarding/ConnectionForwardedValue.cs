using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Serverless.Activator.Forwarding;

/// <summary>
/// The <c>Forwarded</c> element of a request, built once per HTTP/1.x connection instead of once per request: its
/// <c>for</c>, <c>by</c> and <c>proto</c> are the connection's, so only a request naming another <c>Host</c> on the same
/// connection builds it again. Formatting two addresses per request was most of what our request path allocated on
/// top of YARP's. HTTP/2 streams of one connection run concurrently and the connection's items are not thread-safe,
/// so an HTTP/2 request builds its own.
/// </summary>
internal static class ConnectionForwardedValue
{
    private static readonly object ItemKey = new();

    public static string For(HttpContext context, string? host)
    {
        var request = context.Request;
        var sequential = HttpProtocol.IsHttp11(request.Protocol) || HttpProtocol.IsHttp10(request.Protocol);
        var items = sequential ? context.Features.Get<IConnectionItemsFeature>()?.Items : null;
        if (items is not null && items.TryGetValue(ItemKey, out var cached) && cached is Entry entry
            && string.Equals(entry.Host, host, StringComparison.Ordinal) && string.Equals(entry.Scheme, request.Scheme, StringComparison.Ordinal))
        {
            return entry.Value;
        }

        var connection = context.Connection;
        var value = ForwardedHeader.Format(connection.RemoteIpAddress, connection.LocalIpAddress, connection.LocalPort, request.Scheme, host);
        if (items is not null)
        {
            items[ItemKey] = new Entry(host, request.Scheme, value);
        }

        return value;
    }

    private sealed record Entry(string? Host, string Scheme, string Value);
}
