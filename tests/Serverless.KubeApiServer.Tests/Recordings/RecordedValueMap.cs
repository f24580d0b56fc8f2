using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>
/// Translates the real server's resourceVersions and continue tokens into the double's: each answer teaches the
/// pairs found at the same place in both bodies, and later requests that quote a recorded value get the double's.
/// A stale version stays stale this way (it maps to the double's equally old one).
/// </summary>
internal sealed class RecordedValueMap
{
    private static readonly string[] MappedKeys = ["resourceVersion", "continue"];
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public void Learn(JsonNode? recorded, JsonNode? actual)
    {
        switch (recorded, actual)
        {
            case (JsonObject r, JsonObject a):
                foreach (var (key, value) in r)
                {
                    if (MappedKeys.Contains(key)
                        && value is JsonValue rv && rv.TryGetValue<string>(out var from) && from.Length > 0
                        && a[key] is JsonValue av && av.TryGetValue<string>(out var to))
                    {
                        _values.TryAdd(from, to);
                    }
                    else
                    {
                        Learn(value, a[key]);
                    }
                }

                break;
            case (JsonArray r, JsonArray a):
                for (var i = 0; i < Math.Min(r.Count, a.Count); i++)
                {
                    Learn(r[i], a[i]);
                }

                break;
        }
    }

    /// <summary>The path with <c>resourceVersion</c> and <c>continue</c> query values translated.</summary>
    public string MapPath(string pathAndQuery)
    {
        var mark = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        if (mark < 0)
        {
            return pathAndQuery;
        }

        var parameters = pathAndQuery[(mark + 1)..].Split('&').Select(parameter =>
        {
            var pair = parameter.Split('=', 2);
            if (pair.Length == 2 && MappedKeys.Contains(pair[0]) && _values.TryGetValue(Uri.UnescapeDataString(pair[1]), out var mapped))
            {
                return pair[0] + "=" + Uri.EscapeDataString(mapped);
            }

            return parameter;
        });
        return pathAndQuery[..mark] + "?" + string.Join('&', parameters);
    }

    /// <summary>A copy of the body with recorded resourceVersions translated (JSON bodies; YAML text line by line).</summary>
    public JsonNode? MapBody(JsonNode? body)
    {
        if (body is JsonValue text && text.TryGetValue<string>(out var raw))
        {
            var lines = raw.Split('\n').Select(line =>
            {
                var trimmed = line.TrimStart();
                if (trimmed.StartsWith("resourceVersion:", StringComparison.Ordinal))
                {
                    var value = trimmed["resourceVersion:".Length..].Trim().Trim('"', '\'');
                    if (_values.TryGetValue(value, out var mapped))
                    {
                        return line[..(line.Length - trimmed.Length)] + $"resourceVersion: \"{mapped}\"";
                    }
                }

                return line;
            });
            return JsonValue.Create(string.Join('\n', lines));
        }

        var copy = body?.DeepClone();
        Rewrite(copy);
        return copy;
    }

    private void Rewrite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (key == "resourceVersion" && o[key] is JsonValue v && v.TryGetValue<string>(out var from) && _values.TryGetValue(from, out var to))
                    {
                        o[key] = to;
                    }
                    else
                    {
                        Rewrite(o[key]);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Rewrite(item);
                }

                break;
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (from, to) in _values)
        {
            text.Append(from).Append("->").Append(to).Append(' ');
        }

        return text.ToString();
    }
}
