using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.Hosting.KubeApi.Fields;

/// <summary>
/// Merges an applied configuration into the stored object as server-side apply does: maps field by field, lists by
/// their type (<c>map</c> lists item by key, <c>set</c> lists by value, other lists replaced whole), scalars replaced.
/// </summary>
internal static class StructuredMerge
{
    public static JsonObject Merge(JsonObject live, JsonObject config, StructuralSchema? schema)
    {
        var merged = (JsonObject)live.DeepClone();
        foreach (var (key, value) in config)
        {
            if (key == "metadata" && value is JsonObject meta)
            {
                var target = merged["metadata"] as JsonObject ?? [];
                foreach (var (metaKey, metaValue) in meta)
                {
                    if (metaKey is "managedFields")
                    {
                        continue;
                    }

                    target[metaKey] = MergeValue(target[metaKey], metaValue, MetadataList(metaKey));
                }

                merged["metadata"] = target;
                continue;
            }

            merged[key] = MergeValue(merged[key], value, schema?.Property(key));
        }

        return merged;
    }

    private static JsonNode? MergeValue(JsonNode? live, JsonNode? config, StructuralSchema? schema)
    {
        switch (live, config)
        {
            case (JsonObject l, JsonObject c):
                var merged = (JsonObject)l.DeepClone();
                foreach (var (key, value) in c)
                {
                    merged[key] = MergeValue(merged[key], value, schema?.Property(key) ?? schema?.AdditionalProperties);
                }

                return merged;
            case (JsonArray l, JsonArray c) when schema?.ListType == "set":
                var union = (JsonArray)l.DeepClone();
                foreach (var item in c.Where(i => !l.Any(existing => JsonNode.DeepEquals(existing, i))))
                {
                    union.Add(item?.DeepClone());
                }

                return union;
            case (JsonArray l, JsonArray c) when schema?.ListType == "map":
                var byKey = (JsonArray)l.DeepClone();
                foreach (var item in c)
                {
                    var index = byKey.ToList().FindIndex(existing => schema.ListMapKeys.All(k => JsonNode.DeepEquals(existing?[k], item?[k])));
                    if (index < 0)
                    {
                        byKey.Add(item?.DeepClone());
                    }
                    else
                    {
                        byKey[index] = MergeValue(byKey[index], item, schema.Items);
                    }
                }

                return byKey;
            default:
                return config?.DeepClone();
        }
    }

    private static StructuralSchema? MetadataList(string key) => key switch
    {
        "finalizers" => StructuralSchema.Parse(new JsonObject { ["type"] = "array", ["x-kubernetes-list-type"] = "set" }),
        "ownerReferences" => StructuralSchema.Parse(new JsonObject { ["type"] = "array", ["x-kubernetes-list-type"] = "map", ["x-kubernetes-list-map-keys"] = new JsonArray("uid") }),
        _ => null,
    };
}
