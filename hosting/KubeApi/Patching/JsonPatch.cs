using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Patching;

/// <summary>RFC 6902 JSON patch (add, remove, replace, move, copy, test) over RFC 6901 pointers.</summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonArray operations)
    {
        var document = target.DeepClone();
        foreach (var node in operations)
        {
            if (node is not JsonObject operation)
            {
                throw ApiException.BadRequest("json patch: every operation must be an object");
            }

            var op = operation["op"]?.GetValue<string>() ?? throw ApiException.BadRequest("json patch: missing 'op'");
            var path = operation["path"]?.GetValue<string>() ?? throw ApiException.BadRequest("json patch: missing 'path'");
            switch (op)
            {
                case "add":
                    document = Add(document, path, operation["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    document = Add(document, path, operation["value"]?.DeepClone());
                    break;
                case "move":
                {
                    var from = operation["from"]?.GetValue<string>() ?? throw ApiException.BadRequest("json patch: move needs 'from'");
                    var value = Get(document, from)?.DeepClone();
                    Remove(document, from);
                    document = Add(document, path, value);
                    break;
                }

                case "copy":
                {
                    var from = operation["from"]?.GetValue<string>() ?? throw ApiException.BadRequest("json patch: copy needs 'from'");
                    document = Add(document, path, Get(document, from)?.DeepClone());
                    break;
                }

                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), operation["value"]))
                    {
                        throw ApiException.PatchRejected($"json patch: test failed at '{path}'");
                    }

                    break;
                default:
                    throw ApiException.BadRequest($"json patch: unknown op '{op}'");
            }
        }

        return document;
    }

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw ApiException.BadRequest($"json patch: path '{pointer}' must start with '/'");
        }

        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }

    private static JsonNode? Get(JsonNode document, string pointer)
    {
        JsonNode? current = document;
        foreach (var token in Tokens(pointer))
        {
            current = current switch
            {
                JsonObject o => o.TryGetPropertyValue(token, out var v) ? v : throw Missing(pointer),
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw Missing(pointer),
            };
        }

        return current;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode document, string pointer)
    {
        var tokens = Tokens(pointer);
        var parentPointer = tokens.Length <= 1 ? "" : "/" + string.Join('/', tokens[..^1].Select(Escape));
        var parent = Get(document, parentPointer) ?? throw Missing(pointer);
        return (parent, tokens[^1]);
    }

    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static JsonNode Add(JsonNode document, string pointer, JsonNode? value)
    {
        if (pointer.Length == 0)
        {
            return value ?? throw ApiException.BadRequest("json patch: cannot replace the document with null");
        }

        var (parent, last) = Parent(document, pointer);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw Missing(pointer);
        }

        return document;
    }

    private static void Remove(JsonNode document, string pointer)
    {
        var (parent, last) = Parent(document, pointer);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw Missing(pointer);
        }
    }

    private static ApiException Missing(string pointer) => ApiException.PatchRejected($"json patch: path '{pointer}' does not exist");
}
