using System.Globalization;
using System.Text;

namespace Serverless.Runtime.Dotnet.Configuration;

/// <summary>
/// Quotes untrusted text for a one-line diagnostic: control characters are escaped so a hostile
/// value cannot forge extra log lines, and very long values are cut.
/// </summary>
internal static class DisplayText
{
    private const int MaxLength = 200;

    /// <summary>
    /// Folds a message onto one line: every run of whitespace, line breaks and other control characters
    /// becomes one space. For texts composed from trusted parts plus exception messages, which can span lines.
    /// </summary>
    public static string OneLine(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    public static string Quote(string value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, MaxLength) + 2);
        builder.Append('"');
        foreach (var c in value.Length > MaxLength ? value[..MaxLength] : value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
        if (value.Length > MaxLength)
        {
            builder.Append("...");
        }

        return builder.ToString();
    }
}
