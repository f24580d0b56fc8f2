using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Selectors;

/// <summary>
/// A parsed <c>fieldSelector</c> restricted to what every kind supports on a real server:
/// <c>metadata.name</c> and <c>metadata.namespace</c> with <c>=</c>, <c>==</c> or <c>!=</c>.
/// </summary>
public sealed class FieldSelector
{
    private readonly IReadOnlyList<(string Field, string Value, bool Equal)> _terms;

    private FieldSelector(IReadOnlyList<(string, string, bool)> terms)
    {
        _terms = terms;
    }

    public static FieldSelector Everything { get; } = new([]);

    /// <summary>Selects every object (no requirement).</summary>
    public bool IsEverything => _terms.Count == 0;

    /// <exception cref="ArgumentException">Unsupported field or malformed term.</exception>
    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, string, bool)>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var notEquals = raw.IndexOf("!=", StringComparison.Ordinal);
            var equals = raw.IndexOf('=', StringComparison.Ordinal);
            string field;
            string value;
            bool equal;
            if (notEquals > 0)
            {
                (field, value, equal) = (raw[..notEquals], raw[(notEquals + 2)..], false);
            }
            else if (equals > 0)
            {
                var valueStart = equals + 1 < raw.Length && raw[equals + 1] == '=' ? equals + 2 : equals + 1;
                (field, value, equal) = (raw[..equals], raw[valueStart..], true);
            }
            else
            {
                throw new ArgumentException($"invalid field selector term '{raw}'");
            }

            field = field.Trim();
            if (field is not ("metadata.name" or "metadata.namespace"))
            {
                throw new ArgumentException($"field label not supported: {field}");
            }

            terms.Add((field, value.Trim(), equal));
        }

        return new FieldSelector(terms);
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (field, value, equal) in _terms)
        {
            var actual = field == "metadata.name"
                ? obj["metadata"]?["name"]?.GetValue<string>()
                : obj["metadata"]?["namespace"]?.GetValue<string>();
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }
}
