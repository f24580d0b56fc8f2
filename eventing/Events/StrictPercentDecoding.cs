using System.Text;

namespace Serverless.Eventing.Events;

/// <summary>
/// The binding's header-value decoding (CloudEvents HTTP binding 3.1.3.2) without leniency: a <c>%</c> not followed
/// by two hex digits, or escapes that are not UTF-8, make the value invalid rather than pass through as sent. A value
/// sent as an RFC 7230 quoted-string (as versions before 1.0.1 of the binding allowed) is unquoted first, as the
/// binding requires of receivers.
/// </summary>
internal static class StrictPercentDecoding
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The decoded value; null when it is not a valid encoding.</summary>
    public static string? Decode(string value)
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
