using System.Text;

namespace Serverless.Eventing.Ingress;

/// <summary>
/// The CloudEvents HTTP binding (3.1.3.2) percent-encodes header values outside printable ASCII, space, '"' and '%';
/// the SDK's HttpClient encoder does so. Decoding is lenient: a '%' not followed by two hex digits stays as is.
/// </summary>
internal static class HeaderValueEncoding
{
    public static string Decode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
