using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Json;

/// <summary>Reads and writes a dotted path such as <c>.spec.replicas</c>, the form CRD scale mappings use.</summary>
internal static class JsonPath
{
    public static JsonNode? Get(JsonObject obj, string path)
    {
        JsonNode? current = obj;
        foreach (var part in Parts(path))
        {
            current = current is JsonObject o ? o[part] : null;
        }

        return current;
    }

    public static void Set(JsonObject obj, string path, JsonNode? value)
    {
        var parts = Parts(path);
        var current = obj;
        foreach (var part in parts[..^1])
        {
            if (current[part] is not JsonObject next)
            {
                next = new JsonObject();
                current[part] = next;
            }

            current = next;
        }

        current[parts[^1]] = value;
    }

    private static string[] Parts(string path) => path.TrimStart('.').Split('.');
}
