using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Storage;

/// <summary>Metadata access and normalisation of stored objects, shared by the store's write rules.</summary>
internal static class ObjectJson
{
    public static IEnumerable<string?> OwnerUids(JsonObject obj) =>
        Metadata(obj)["ownerReferences"] is JsonArray refs ? refs.Select(r => r?["uid"]?.GetValue<string>()) : [];

    public static bool HasFinalizers(JsonObject obj) => Metadata(obj)["finalizers"] is JsonArray { Count: > 0 };

    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta)
        {
            return meta;
        }

        meta = new JsonObject();
        obj["metadata"] = meta;
        return meta;
    }

    public static JsonObject WithoutMetaAndStatus(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    // Stored objects never hold explicit nulls, so "field: null" and "field absent" compare equal.
    public static void RemoveNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
                {
                    o.Remove(key);
                }

                foreach (var (_, value) in o)
                {
                    RemoveNulls(value);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    RemoveNulls(item);
                }

                break;
        }
    }
}
