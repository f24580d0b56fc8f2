using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Serverless.Cli.Platform;

/// <summary>A <c>host:port</c> to listen on, as <c>--ingress</c> and <c>--admin</c> take it. Port 0 asks the OS for a free port.</summary>
internal sealed record ListenAddress(string Host, int Port)
{
    public const string DefaultHost = "127.0.0.1";

    /// <summary>
    /// Accepts <c>host:port</c>, <c>[v6]:port</c>, and a bare <c>port</c> or <c>:port</c> meaning 127.0.0.1
    /// (loopback, not all interfaces: exposing functions to the network must be a deliberate choice).
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ListenAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "expected host:port, e.g. 127.0.0.1:8080";
            return false;
        }

        string host;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                error = $"\"{text}\": an IPv6 address needs a port, as in [::1]:8080";
                return false;
            }

            host = text[1..close];
            portText = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = $"\"{text}\": write an IPv6 address in brackets, as in [::1]:8080";
                return false;
            }

            host = colon < 0 ? "" : text[..colon];
            portText = colon < 0 ? text : text[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            host = DefaultHost;
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = $"\"{text}\": the port must be a number from 0 to 65535 (got \"{portText}\")";
            return false;
        }

        if (host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '@' or '?' or '#'))
        {
            error = $"\"{text}\": \"{host}\" is not a host name or IP address";
            return false;
        }

        address = new ListenAddress(host, port);
        error = null;
        return true;
    }

    public override string ToString() =>
        (Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);
}
