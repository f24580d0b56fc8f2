using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Tables;

/// <summary>
/// The subset of kubectl's JSONPath that printer columns use: fields (<c>.status.url</c>), indexes
/// (<c>.spec.ports[0].port</c>) and equality filters (<c>.status.conditions[?(@.type=="Ready")].status</c>).
/// </summary>
internal static class PrinterJsonPath
{
    /// <summary>Every value the path reaches, in document order.</summary>
    public static IReadOnlyList<JsonNode?> Evaluate(JsonNode? root, string path)
    {
        IEnumerable<JsonNode?> current = [root];
        var text = path.Trim().TrimStart('{').TrimEnd('}').TrimStart('$');
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is not ('.' or '['))
                {
                    end++;
                }

                var name = text[(i + 1)..end];
                current = current.Select(n => n is JsonObject o ? o[name] : null).Where(n => n is not null).ToList();
                i = end;
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                var inner = text[(i + 1)..end];
                current = Select(current, inner).ToList();
                i = end + 1;
            }
            else
            {
                i++;
            }
        }

        return current.ToList();
    }

    private static IEnumerable<JsonNode?> Select(IEnumerable<JsonNode?> nodes, string selector)
    {
        foreach (var node in nodes.OfType<JsonArray>())
        {
            if (selector == "*")
            {
                foreach (var item in node)
                {
                    yield return item;
                }
            }
            else if (int.TryParse(selector, out var index))
            {
                if (index >= 0 && index < node.Count)
                {
                    yield return node[index];
                }
            }
            else if (selector.StartsWith("?(@.", StringComparison.Ordinal) && selector.EndsWith(')'))
            {
                var condition = selector[4..^1];
                var equals = condition.IndexOf("==", StringComparison.Ordinal);
                var field = condition[..equals].Trim();
                var expected = condition[(equals + 2)..].Trim().Trim('"', '\'');
                foreach (var item in node)
                {
                    if (item is JsonObject o && o[field] is JsonValue v && v.ToString() == expected)
                    {
                        yield return item;
                    }
                }
            }
        }
    }
}
