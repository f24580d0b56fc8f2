using System.Globalization;
using System.Text;

namespace Serverless.Eventing.Binding;

/// <summary>
/// Header-value encoding of the CloudEvents HTTP binding (3.1.3.2): space, '"', '%' and anything outside printable
/// ASCII as %XX of the UTF-8 bytes. The node and python runtimes encode the same way; the SDK's HttpClient encoder too.
/// </summary>
/// <remarks>
/// Two decodings: <see cref="Decode"/>, lenient, for the C# runtime handing an event to a function, and
/// <see cref="DecodeStrict"/> for the broker, which refuses what it could not relay as sent. Was also
/// <c>HeaderValueEncoding</c> in eventing's ingress, and <c>StrictPercentDecoding</c> beside it.
/// </remarks>
internal static class HeaderPercentEncoding
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Encode(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b <= 0x20 || b >= 0x7f || b == (byte)'"' || b == (byte)'%')
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append((char)b);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The inverse of <see cref="Encode"/>, lenient: a '%' not followed by two hex digits, and escapes that do not
    /// form UTF-8, are left as they came rather than failing the event.
    /// </summary>
    public static string Decode(string value) => value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : value;

    /// <summary>
    /// The decoding without leniency, as the broker reads what it relays: a <c>%</c> not followed by two hex digits, or
    /// escapes that are not UTF-8, make the value invalid (null) rather than pass through as sent. A value sent as an
    /// RFC 7230 quoted-string (as versions before 1.0.1 of the binding allowed) is unquoted first, as the binding
    /// requires of receivers.
    /// </summary>
    public static string? DecodeStrict(string value)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = Unquote(value[1..^1]);
        }

        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '%')
            {
                if (c > 0x7f)
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                }
                else
                {
                    bytes.Add((byte)c);
                }

                continue;
            }

            if (i + 2 >= value.Length || !Uri.IsHexDigit(value[i + 1]) || !Uri.IsHexDigit(value[i + 2]))
            {
                return null;
            }

            bytes.Add((byte)((Uri.FromHex(value[i + 1]) << 4) | Uri.FromHex(value[i + 2])));
            i += 2;
        }

        try
        {
            return Utf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The content of a quoted-string: a backslash escapes the character after it.</summary>
    private static string Unquote(string quoted)
    {
        var builder = new StringBuilder(quoted.Length);
        for (var i = 0; i < quoted.Length; i++)
        {
            builder.Append(quoted[i] == '\\' && i + 1 < quoted.Length ? quoted[++i] : quoted[i]);
        }

        return builder.ToString();
    }
}
