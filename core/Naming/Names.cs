using System.Text.RegularExpressions;

namespace Serverless.Core.Naming;

/// <summary>Kubernetes name rules. Every name that reaches a URL, a file path or a process argument passes here first.</summary>
public static partial class Names
{
    public const int MaxLabelLength = 63;

    /// <summary>Longest DNS-1123 subdomain (a ConfigMap name, a label key prefix).</summary>
    public const int MaxSubdomainLength = 253;

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

    /// <summary>RFC 1123 subdomain: dot-separated labels, lower case, at most 253 characters (ConfigMap names, label key prefixes).</summary>
    public static bool IsDns1123Subdomain(string? value) =>
        value is { Length: > 0 and <= MaxSubdomainLength } && Dns1123Subdomain().IsMatch(value);

    public static string Dns1123SubdomainError(string? value) =>
        value is { Length: > MaxSubdomainLength }
            ? $"must be no more than {MaxSubdomainLength} characters (got {value.Length})"
            : $"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (got \"{Printable(value)}\")";

    /// <summary>
    /// A Kubernetes label or annotation key: an optional DNS subdomain prefix and '/', then a name of at most
    /// 63 characters of <c>[A-Za-z0-9._-]</c> starting and ending alphanumeric.
    /// </summary>
    public static bool IsQualifiedName(string? value) => QualifiedNameError(value) is null;

    /// <summary>Why <paramref name="value"/> is not a qualified name, or null when it is one.</summary>
    public static string? QualifiedNameError(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "must not be empty";
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? value : value[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = value[..slash];
            if (!IsDns1123Subdomain(prefix))
            {
                return $"prefix part {Dns1123SubdomainError(prefix)}";
            }
        }

        if (name.Length is 0 or > MaxLabelLength || !QualifiedNamePart().IsMatch(name))
        {
            return name.Length > MaxLabelLength
                ? $"name part must be no more than {MaxLabelLength} characters (got {name.Length})"
                : $"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (got \"{Printable(value)}\")";
        }

        return null;
    }

    /// <summary>A Kubernetes label value: empty, or at most 63 characters of <c>[A-Za-z0-9._-]</c> starting and ending alphanumeric.</summary>
    public static bool IsLabelValue(string? value) =>
        string.IsNullOrEmpty(value) || (value.Length <= MaxLabelLength && QualifiedNamePart().IsMatch(value));

    /// <summary>A C identifier, as Kubernetes requires of environment variable names: <c>^[A-Za-z_][A-Za-z0-9_]*$</c>.</summary>
    public static bool IsCIdentifier(string? value) => value is { Length: > 0 } && CIdentifier().IsMatch(value);

    /// <summary>Whether the text holds any control character (NUL, newline, escape, DEL and the C1 range included).</summary>
    public static bool HasControlCharacters(string? value) => value is not null && value.Any(char.IsControl);

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

    // \z, not $: in .NET '$' also matches before a final '\n', which would let "name\n" through.
    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex CIdentifier();
}
