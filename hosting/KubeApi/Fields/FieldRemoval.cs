using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Fields;

/// <summary>Removes the value at a managed-fields path (<c>f:</c>, <c>k:</c>, <c>v:</c> elements) from an object.</summary>
internal static class FieldRemoval
{
    public static void Remove(JsonObject root, IReadOnlyList<string> path)
    {
        JsonNode? parent = root;
        for (var i = 0; i < path.Count - 1 && parent is not null; i++)
        {
            parent = Step(parent, path[i]);
        }

        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj when last.StartsWith("f:", StringComparison.Ordinal):
                obj.Remove(last[2..]);
                break;
            case JsonArray array when Find(array, last) is { } item:
                array.Remove(item);
                break;
        }
    }

    private static JsonNode? Step(JsonNode node, string element) => (node, element[..2]) switch
    {
        (JsonObject obj, "f:") => obj[element[2..]],
        (JsonArray array, _) => Find(array, element),
        _ => null,
    };

    private static JsonNode? Find(JsonArray array, string element)
    {
        var expected = JsonNode.Parse(element[2..]);
        return element[..2] switch
        {
            "v:" => array.FirstOrDefault(item => JsonNode.DeepEquals(item, expected)),
            "k:" when expected is JsonObject keys => array.FirstOrDefault(item => keys.All(k => JsonNode.DeepEquals(item?[k.Key], k.Value))),
            _ => null,
        };
    }
}
