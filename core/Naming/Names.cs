using System.Text.RegularExpressions;

namespace Serverless.Core.Naming;

/// <summary>Kubernetes name rules. Every name that reaches a URL, a file path or a process argument passes here first.</summary>
public static partial class Names
{
    public const int MaxLabelLength = 63;

    /// <summary>The platform's default namespace.</summary>
    public const string DefaultNamespace = "default";

    /// <summary>RFC 1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63 characters.</summary>
    public static bool IsDns1123Label(string? value) =>
        value is { Length: > 0 and <= MaxLabelLength } && Dns1123Label().IsMatch(value);

    /// <summary>The message Kubernetes gives, naming the offending value.</summary>
    public static string Dns1123LabelError(string? value) =>
        value is { Length: > MaxLabelLength }
            ? $"must be no more than {MaxLabelLength} characters (got {value.Length})"
            : $"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (got \"{Printable(value)}\")";

    /// <summary>Shows control characters escaped so an error message cannot forge log lines.</summary>
    public static string Printable(string? value)
    {
        if (value is null)
        {
            return "";
        }

        var builder = new System.Text.StringBuilder(value.Length);
        foreach (var c in value.Length > 100 ? value[..100] + "…" : value)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return builder.ToString();
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Label();
}
