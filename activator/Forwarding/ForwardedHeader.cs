using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serverless.Activator.Forwarding;

/// <summary>
/// The RFC 7239 <c>Forwarded</c> element the activator sends an instance: <c>for</c> (the client), <c>by</c> (the
/// activator's own address), <c>proto</c> and <c>host</c>. Pure, so the quoting rules are table-tested.
/// </summary>
internal static class ForwardedHeader
{
    public const string Name = "Forwarded";

    /// <summary>
    /// One element, e.g. <c>for=192.0.2.60;by="127.0.0.1:8080";proto=http;host=hello.default.example.com</c>. A missing
    /// address is RFC 7239's <c>unknown</c>; a missing host leaves the pair out.
    /// </summary>
    public static string Format(IPAddress? client, IPAddress? local, int localPort, string scheme, string? host)
    {
        var builder = new StringBuilder(96);
        builder.Append("for=").Append(Node(client, port: 0));
        builder.Append(";by=").Append(Node(local, localPort));
        builder.Append(";proto=").Append(Value(scheme));
        if (!string.IsNullOrEmpty(host))
        {
            builder.Append(";host=").Append(Value(host));
        }

        return builder.ToString();
    }

    /// <summary>
    /// RFC 7239 section 6: an IPv4 address is a token; an IPv6 address is bracketed, and so, like any node with a
    /// port, must be a quoted-string (the colon is no token character).
    /// </summary>
    private static string Node(IPAddress? address, int port)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var text = address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();
        if (port > 0)
        {
            text += ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Value(text);
    }

    /// <summary>A token as it is; anything else as a quoted-string, with <c>"</c> and <c>\</c> escaped (RFC 7230 section 3.2.6).</summary>
    private static string Value(string value)
    {
        if (value.Length > 0 && value.All(IsTokenChar))
        {
            return value;
        }

        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return quoted.Append('"').ToString();
    }

    private static bool IsTokenChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
