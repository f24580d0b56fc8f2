using Serverless.Core.Naming;

namespace Serverless.Cli.Triggers;

/// <summary><c>--filter ATTRIBUTE=VALUE</c>: an exact match on one CloudEvents attribute. Pure.</summary>
internal static class FilterExpression
{
    /// <summary>
    /// Parses every filter into attribute → value, or returns the first problem. Attribute names follow the
    /// CloudEvents spec (lowercase a-z and 0-9, at most 20 characters); an attribute given twice is an error,
    /// since an event cannot match two different values of one attribute.
    /// </summary>
    public static SortedDictionary<string, string>? TryParse(IReadOnlyList<string> filters, out string? error)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var filter in filters)
        {
            var equals = filter.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = $"--filter \"{Names.Printable(filter)}\" is not ATTRIBUTE=VALUE, e.g. type=com.example.order.created";
                return null;
            }

            var attribute = filter[..equals];
            if (attribute.Length > 20 || !attribute.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9')))
            {
                error = $"--filter attribute \"{Names.Printable(attribute)}\" is not a CloudEvents attribute name (lowercase letters and digits, at most 20)";
                return null;
            }

            if (!result.TryAdd(attribute, filter[(equals + 1)..]))
            {
                error = $"--filter {attribute} is given twice; an event has one {attribute}";
                return null;
            }
        }

        error = null;
        return result;
    }
}
