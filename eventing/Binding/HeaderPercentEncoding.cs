using System.Globalization;
using System.Text;

namespace Serverless.Eventing.Binding;

/// <summary>
/// Header-value encoding of the CloudEvents HTTP binding (3.1.3.2): space, '"', '%' and anything outside printable
/// ASCII as %XX of the UTF-8 bytes. The node and python runtimes encode the same way; the SDK's HttpClient encoder too.
/// </summary>
/// <remarks>Was also <c>HeaderValueEncoding</c> in eventing's ingress, which decoded alike but for malformed input.</remarks>
internal static class HeaderPercentEncoding
{
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
}
