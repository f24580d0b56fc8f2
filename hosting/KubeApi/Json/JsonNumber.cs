using System.Globalization;
using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Json;

/// <summary>
/// Reads a JSON number whatever CLR type the node was built from: a node parsed from text and a node
/// built from an <c>int</c> in memory answer <c>GetValue&lt;long&gt;</c> differently.
/// </summary>
internal static class JsonNumber
{
    public static long? Long(JsonNode? node) =>
        node is JsonValue value && long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    public static int? Int(JsonNode? node) => Long(node) is { } number ? checked((int)number) : null;
}
