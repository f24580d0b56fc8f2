using System.Globalization;
using System.Text.RegularExpressions;

namespace Serverless.Eventing.Events;

/// <summary>
/// What the CloudEvents spec requires of context attributes, checked on their string forms: the required four,
/// the supported specversions (1.0, and 0.3 as Knative's broker and the SDKs accept it), attribute names, and
/// the types of the attributes the spec types (<c>time</c> an RFC 3339 timestamp, <c>source</c> a URI-reference, …).
/// </summary>
internal static partial class EventAttributeRules
{
    /// <summary>Required by 1.0 and 0.3 alike, in the order a missing one is reported.</summary>
    public static readonly IReadOnlyList<string> Required = ["specversion", "id", "source", "type"];

    public static readonly IReadOnlyList<string> SpecVersions = ["1.0", "0.3"];

    /// <summary>Null when the attributes make a valid event; else the attribute at fault and why.</summary>
    public static (string Attribute, string Problem)? Check(IReadOnlyDictionary<string, string> attributes)
    {
        foreach (var name in Required)
        {
            if (!attributes.TryGetValue(name, out var value) || value.Length == 0)
            {
                return (name, "missing");
            }
        }

        var version = attributes["specversion"];
        if (!SpecVersions.Contains(version))
        {
            return ("specversion", "unsupported");
        }

        foreach (var (name, value) in attributes)
        {
            if (!AttributeName().IsMatch(name))
            {
                return (name, "attribute names are lower-case letters and digits (a-z, 0-9)");
            }

            var problem = name switch
            {
                "time" when !IsTimestamp(value) => "must be an RFC 3339 timestamp, e.g. 2018-04-05T17:31:00Z",
                "source" or "dataschema" or "schemaurl" when !Uri.TryCreate(value, UriKind.RelativeOrAbsolute, out _) => "must be a URI-reference",
                "dataschema" or "schemaurl" when !Uri.TryCreate(value, UriKind.Absolute, out _) && version == "1.0" => "must be an absolute URI",
                "datacontenttype" when !IsMediaType(value) => "must be a media type (RFC 2046), e.g. application/json",
                _ => null,
            };
            if (problem is not null)
            {
                return (name, problem);
            }
        }

        return null;
    }

    /// <summary>RFC 3339 <c>date-time</c>: any number of fraction digits, <c>T</c>/<c>Z</c> in either case, an offset.</summary>
    public static bool IsTimestamp(string value)
    {
        var match = Timestamp().Match(value);
        if (!match.Success)
        {
            return false;
        }

        // The grammar passed; the calendar decides the rest (February 30th, hour 24). Fractions beyond 7 digits are
        // kept as sent, so only the first 7 go through the check.
        var normalized = match.Groups["date"].Value + "T" + match.Groups["clock"].Value
            + (match.Groups["fraction"].Success ? match.Groups["fraction"].Value[..Math.Min(8, match.Groups["fraction"].Value.Length)] : "")
            + (match.Groups["offset"].Value is "z" or "Z" ? "Z" : match.Groups["offset"].Value);
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _);
    }

    private static bool IsMediaType(string value)
    {
        var type = value.Split(';', 2)[0].Trim();
        var slash = type.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < type.Length - 1 && !type.Contains(' ', StringComparison.Ordinal);
    }

    [GeneratedRegex("^[a-z0-9]{1,}$", RegexOptions.CultureInvariant)]
    private static partial Regex AttributeName();

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[Tt](?<clock>\d{2}:\d{2}:\d{2})(?<fraction>\.\d+)?(?<offset>[Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Timestamp();
}
