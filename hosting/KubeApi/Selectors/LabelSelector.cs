using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Selectors;

/// <summary>
/// A parsed <c>labelSelector</c> query: comma-separated requirements, all of which must hold
/// (<c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>).
/// </summary>
public sealed class LabelSelector
{
    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements)
    {
        _requirements = requirements;
    }

    public static LabelSelector Everything { get; } = new([]);

    /// <summary>Selects every object (no requirement).</summary>
    public bool IsEverything => _requirements.Count == 0;

    /// <exception cref="ArgumentException">The text is not a valid selector.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var term in SplitTerms(text))
        {
            var requirement = ParseTerm(term.Trim());
            CheckValues(requirement);
            requirements.Add(requirement);
        }

        return new LabelSelector(requirements);
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        _requirements.All(r => r.Matches(key => labels.TryGetValue(key, out var value) ? value : null));

    /// <summary>Reads the object's labels in place: a list or watch tests every stored object of a kind.</summary>
    public bool Matches(JsonObject obj)
    {
        if (_requirements.Count == 0)
        {
            return true;
        }

        var labels = obj["metadata"]?["labels"] as JsonObject;
        return _requirements.All(r => r.Matches(key => labels is not null && labels.TryGetPropertyValue(key, out var value) ? value?.GetValue<string>() ?? "" : null));
    }

    // Commas also separate the values inside "in (a,b)": split only outside parentheses.
    private static IEnumerable<string> SplitTerms(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseTerm(string term)
    {
        if (term.Length == 0)
        {
            throw new ArgumentException("empty requirement in label selector");
        }

        if (term[0] == '!')
        {
            return new Requirement(RequireKey(term[1..].Trim()), Operator.DoesNotExist, []);
        }

        var notEquals = term.IndexOf("!=", StringComparison.Ordinal);
        if (notEquals > 0)
        {
            return new Requirement(RequireKey(term[..notEquals].Trim()), Operator.NotEquals, [term[(notEquals + 2)..].Trim()]);
        }

        var equals = term.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0)
        {
            var valueStart = equals + 1 < term.Length && term[equals + 1] == '=' ? equals + 2 : equals + 1;
            return new Requirement(RequireKey(term[..equals].Trim()), Operator.Equals, [term[valueStart..].Trim()]);
        }

        var parts = term.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 1)
        {
            return new Requirement(RequireKey(parts[0]), Operator.Exists, []);
        }

        var rest = parts[1];
        Operator op;
        if (rest.StartsWith("notin", StringComparison.Ordinal))
        {
            op = Operator.NotIn;
            rest = rest[5..].Trim();
        }
        else if (rest.StartsWith("in", StringComparison.Ordinal))
        {
            op = Operator.In;
            rest = rest[2..].Trim();
        }
        else
        {
            throw new ArgumentException($"unknown operator in label selector term '{term}'");
        }

        if (!rest.StartsWith('(') || !rest.EndsWith(')'))
        {
            throw new ArgumentException($"expected a parenthesised value list in label selector term '{term}'");
        }

        var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new Requirement(RequireKey(parts[0]), op, values);
    }

    // As the real server: values must be label values (at most 63 characters, alphanumeric at both ends).
    private static void CheckValues(Requirement requirement)
    {
        for (var i = 0; i < requirement.Values.Count; i++)
        {
            if (NameRules.LabelValue(requirement.Values[i]).FirstOrDefault() is { } problem)
            {
                throw new ArgumentException(
                    $"unable to parse requirement: values[{i}][{requirement.Key}]: Invalid value: {FieldError.Quote(requirement.Values[i])}: {problem}");
            }
        }
    }

    private static string RequireKey(string key) =>
        key.Length == 0 || key.Any(char.IsWhiteSpace) ? throw new ArgumentException($"invalid label key '{key}'") : key;

    private enum Operator
    {
        Equals,
        NotEquals,
        In,
        NotIn,
        Exists,
        DoesNotExist,
    }

    private sealed record Requirement(string Key, Operator Op, IReadOnlyList<string> Values)
    {
        /// <param name="lookup">The label's value, null when the object does not have the label.</param>
        public bool Matches(Func<string, string?> lookup)
        {
            var value = lookup(Key);
            var has = value is not null;
            return Op switch
            {
                Operator.Equals or Operator.In => has && Values.Contains(value!),
                Operator.NotEquals or Operator.NotIn => !has || !Values.Contains(value!),
                Operator.Exists => has,
                _ => !has,
            };
        }
    }
}
