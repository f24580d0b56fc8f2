using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Json;

/// <summary>
/// Reads request bodies as the API server's decoder does: JSON (a repeated key keeps its last value, and is listed,
/// so <c>fieldValidation</c> can refuse or warn about it) or YAML (<c>application/yaml</c>, apply patches).
/// </summary>
internal static class RequestBodies
{
    /// <exception cref="JsonException">Not JSON.</exception>
    public static JsonNode? ParseJson(string text, List<string> duplicates)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read())
        {
            throw new JsonException("unexpected end of JSON input");
        }

        var node = Read(ref reader, "", duplicates);
        if (reader.Read())
        {
            throw new JsonException("invalid character after top-level value");
        }

        return node;
    }

    /// <summary>The body as an object, JSON or YAML by content type; 400 with the real server's wording when it is neither.</summary>
    public static JsonObject ParseObject(string text, string? contentType, string kind, List<string> duplicates)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim();
        if (mediaType == "application/vnd.kubernetes.protobuf")
        {
            // kubectl sends built-in kinds as protobuf; the double reads JSON and YAML only.
            throw new ApiException(System.Net.HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType",
                "the body of the request was in an unknown format - the double accepts application/json and application/yaml");
        }

        JsonNode? node;
        try
        {
            node = mediaType is "application/yaml" or "application/apply-patch+yaml" && !LooksLikeJson(text)
                ? YamlToJson.Convert(text)
                : ParseJson(text, duplicates);
        }
        catch (JsonException e)
        {
            var shown = text.Length > 200 ? text[..200] : text;
            throw ApiException.BadRequest($"the object provided is unrecognized (must be of type {kind}): couldn't get version/kind; json parse error: {e.Message} ({shown})");
        }

        return node as JsonObject ?? throw ApiException.BadRequest($"the object provided is unrecognized (must be of type {kind}): couldn't get version/kind; json parse error: not an object");
    }

    private static bool LooksLikeJson(string text) => text.TrimStart().StartsWith('{');

    private static JsonNode? Read(ref Utf8JsonReader reader, string path, List<string> duplicates)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    var child = FieldPaths.Child(path, name);
                    reader.Read();
                    var value = Read(ref reader, child, duplicates);
                    if (obj.Remove(name))
                    {
                        duplicates.Add(child);
                    }

                    obj[name] = value;
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(Read(ref reader, FieldPaths.Index(path, array.Count), duplicates));
                }

                return array;
            case JsonTokenType.String:
                return JsonValue.Create(reader.GetString());
            case JsonTokenType.Number:
                return JsonNode.Parse(reader.ValueSpan);
            case JsonTokenType.True:
                return JsonValue.Create(true);
            case JsonTokenType.False:
                return JsonValue.Create(false);
            case JsonTokenType.Null:
                return null;
            default:
                throw new JsonException($"unexpected token {reader.TokenType}");
        }
    }
}
