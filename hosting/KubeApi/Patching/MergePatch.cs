using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Patching;

/// <summary>
/// RFC 7386 JSON merge patch. Strategic merge and server-side apply reuse it: for the fields this
/// platform writes (maps, scalars, whole lists it owns) their result is the same.
/// </summary>
internal static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = Apply(result[key], value);
                result[key] = merged;
            }
        }

        return result;
    }
}
