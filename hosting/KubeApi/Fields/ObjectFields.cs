using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.Hosting.KubeApi.Fields;

/// <summary>
/// The field paths of an object as structured-merge-diff sees them: properties as <c>f:</c>, items of
/// <c>x-kubernetes-list-type: map</c> lists by their keys (<c>k:</c>), of <c>set</c> lists by value (<c>v:</c>);
/// other lists are atomic (one leaf). Identity metadata (name, uid, resourceVersion…) is nobody's field, and a
/// write through one half of an object (main or status subresource) only sees that half and the metadata.
/// </summary>
internal static class ObjectFields
{
    private static readonly HashSet<string> ServerMetadata =
    [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "managedFields", "selfLink",
    ];

    /// <summary>What an applied configuration sets: its leaves and list items (not the maps around them), as SMD's ToFieldSet.</summary>
    public static FieldSet Applied(JsonObject config, StructuralSchema? schema, bool hasStatusSubresource, bool statusHalf)
    {
        var set = new FieldSet();
        foreach (var (key, value) in config)
        {
            if (!Owned(key, hasStatusSubresource, statusHalf))
            {
                continue;
            }

            if (key == "metadata")
            {
                var meta = set.Child("f:metadata");
                foreach (var (metaKey, metaValue) in (value as JsonObject ?? []).Where(p => !ServerMetadata.Contains(p.Key)))
                {
                    AddLeaves(meta.Child("f:" + metaKey), metaValue, MetadataSchema(metaKey));
                }

                continue;
            }

            AddLeaves(set.Child("f:" + key), value, schema?.Property(key));
        }

        return set;
    }

    /// <summary>
    /// What a write changed, walking the stored object and the new one side by side: <c>changed</c> holds what was
    /// added (every node of it) or whose value changed (leaves), <c>removed</c> what went (every node of it).
    /// </summary>
    public static (FieldSet Changed, FieldSet Removed) Compare(JsonObject before, JsonObject after, StructuralSchema? schema, bool hasStatusSubresource, bool statusHalf)
    {
        var changed = new FieldSet();
        var removed = new FieldSet();
        foreach (var (key, value) in after)
        {
            if (!Owned(key, hasStatusSubresource, statusHalf))
            {
                continue;
            }

            if (key == "metadata")
            {
                var old = before["metadata"] as JsonObject ?? [];
                var meta = changed.Child("f:metadata");
                var metaRemoved = removed.Child("f:metadata");
                foreach (var (metaKey, metaValue) in value as JsonObject ?? [])
                {
                    if (!ServerMetadata.Contains(metaKey))
                    {
                        CompareChild(old, metaKey, metaValue, MetadataSchema(metaKey), meta, metaRemoved);
                    }
                }

                foreach (var (metaKey, metaValue) in old.Where(p => !ServerMetadata.Contains(p.Key) && !(value as JsonObject ?? []).ContainsKey(p.Key)))
                {
                    AddAll(metaRemoved.Child("f:" + metaKey), metaValue, MetadataSchema(metaKey));
                }

                continue;
            }

            CompareChild(before, key, value, schema?.Property(key), changed, removed);
        }

        foreach (var (key, value) in before.Where(p => Owned(p.Key, hasStatusSubresource, statusHalf) && p.Key != "metadata" && !after.ContainsKey(p.Key)))
        {
            AddAll(removed.Child("f:" + key), value, schema?.Property(key));
        }

        return (changed, removed);
    }

    /// <summary>A path as the API server prints it in conflicts: <c>.spec.timeoutSeconds</c>, <c>.status.conditions[type="Ready"]</c>.</summary>
    public static string Display(IReadOnlyList<string> path) => string.Concat(path.Select(element => element[..2] switch
    {
        "f:" => "." + element[2..],
        "k:" => "[" + string.Join(",", JsonNode.Parse(element[2..])!.AsObject().Select(p => $"{p.Key}={p.Value?.ToJsonString()}")) + "]",
        "v:" => "[=" + element[2..] + "]",
        _ => "[" + element[2..] + "]",
    }));

    // A status write still compares metadata: the real server runs the field manager on the request as sent, so a
    // status update without the labels takes their ownership away from whoever set them (the labels stay).
    private static bool Owned(string key, bool hasStatusSubresource, bool statusHalf) => key switch
    {
        "apiVersion" or "kind" => false,
        "status" when hasStatusSubresource => statusHalf,
        "metadata" => true,
        _ => !statusHalf || !hasStatusSubresource,
    };

    private static void CompareChild(JsonObject before, string key, JsonNode? value, StructuralSchema? schema, FieldSet changed, FieldSet removed)
    {
        var element = "f:" + key;
        if (!before.TryGetPropertyValue(key, out var old))
        {
            AddAll(changed.Child(element), value, schema);
            return;
        }

        CompareValue(old, value, schema, changed.Child(element), removed.Child(element));
    }

    private static void CompareValue(JsonNode? old, JsonNode? value, StructuralSchema? schema, FieldSet changed, FieldSet removed)
    {
        if (IsLeaf(old, schema) || IsLeaf(value, schema))
        {
            if (!JsonNode.DeepEquals(old, value))
            {
                changed.MarkMember();
            }

            return;
        }

        switch (old, value)
        {
            case (JsonObject before, JsonObject after):
                foreach (var (key, child) in after)
                {
                    CompareChild(before, key, child, schema?.Property(key) ?? schema?.AdditionalProperties, changed, removed);
                }

                foreach (var (key, child) in before.Where(p => !after.ContainsKey(p.Key)))
                {
                    AddAll(removed.Child("f:" + key), child, schema?.Property(key) ?? schema?.AdditionalProperties);
                }

                break;
            case (JsonArray before, JsonArray after):
                var oldItems = Items(before, schema!);
                var newItems = Items(after, schema!);
                foreach (var (element, item) in newItems)
                {
                    if (oldItems.TryGetValue(element, out var previous))
                    {
                        CompareItem(previous, item, schema!, changed.Child(element), removed.Child(element));
                    }
                    else
                    {
                        AddItem(changed.Child(element), item, schema!);
                    }
                }

                foreach (var (element, item) in oldItems.Where(p => !newItems.ContainsKey(p.Key)))
                {
                    AddItem(removed.Child(element), item, schema!);
                }

                break;
            default:
                changed.MarkMember();
                break;
        }
    }

    private static void CompareItem(JsonNode? old, JsonNode? item, StructuralSchema list, FieldSet changed, FieldSet removed)
    {
        if (list.ListType == "map")
        {
            CompareValue(old, item, list.Items, changed, removed);
        }
    }

    // Everything at and below a value that appeared or went: the node itself and each node under it.
    private static void AddAll(FieldSet node, JsonNode? value, StructuralSchema? schema)
    {
        node.MarkMember();
        if (IsLeaf(value, schema))
        {
            return;
        }

        switch (value)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    AddAll(node.Child("f:" + key), child, schema?.Property(key) ?? schema?.AdditionalProperties);
                }

                break;
            case JsonArray array:
                foreach (var (element, item) in Items(array, schema!))
                {
                    AddItem(node.Child(element), item, schema!);
                }

                break;
        }
    }

    private static void AddItem(FieldSet node, JsonNode? item, StructuralSchema list)
    {
        if (list.ListType == "set")
        {
            node.MarkMember();
            return;
        }

        node.MarkMember();
        foreach (var (key, child) in item as JsonObject ?? [])
        {
            AddAll(node.Child("f:" + key), child, list.Items?.Property(key));
        }
    }

    private static void AddLeaves(FieldSet node, JsonNode? value, StructuralSchema? schema)
    {
        if (IsLeaf(value, schema))
        {
            node.MarkMember();
            return;
        }

        switch (value)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    AddLeaves(node.Child("f:" + key), child, schema?.Property(key) ?? schema?.AdditionalProperties);
                }

                break;
            case JsonArray array:
                foreach (var (element, item) in Items(array, schema!))
                {
                    var itemNode = node.Child(element);
                    itemNode.MarkMember();
                    if (schema!.ListType == "map")
                    {
                        foreach (var (key, child) in item as JsonObject ?? [])
                        {
                            AddLeaves(itemNode.Child("f:" + key), child, schema.Items?.Property(key));
                        }
                    }
                }

                break;
        }
    }

    private static bool IsLeaf(JsonNode? value, StructuralSchema? schema) => value switch
    {
        JsonObject obj => obj.Count == 0,
        JsonArray => schema?.ListType is not ("map" or "set"),
        _ => true,
    };

    // A granular list's items by their path element: v:<value> for sets, k:{keys} for maps.
    private static Dictionary<string, JsonNode?> Items(JsonArray array, StructuralSchema list)
    {
        var items = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var item in array)
        {
            items[ItemElement(item, list)] = item;
        }

        return items;
    }

    private static string ItemElement(JsonNode? item, StructuralSchema list)
    {
        if (list.ListType == "set")
        {
            return "v:" + (item?.ToJsonString() ?? "null");
        }

        var keys = new JsonObject();
        foreach (var name in list.ListMapKeys.Order(StringComparer.Ordinal))
        {
            keys[name] = item?[name]?.DeepClone();
        }

        return "k:" + keys.ToJsonString();
    }

    // ObjectMeta's own list types: finalizers is a set, ownerReferences a map keyed by uid.
    private static StructuralSchema? MetadataSchema(string key) => key switch
    {
        "finalizers" => FinalizersSchema,
        "ownerReferences" => OwnerReferencesSchema,
        _ => null,
    };

    private static readonly StructuralSchema FinalizersSchema = StructuralSchema.Parse(new JsonObject
    {
        ["type"] = "array",
        ["x-kubernetes-list-type"] = "set",
        ["items"] = new JsonObject { ["type"] = "string" },
    });

    private static readonly StructuralSchema OwnerReferencesSchema = StructuralSchema.Parse(new JsonObject
    {
        ["type"] = "array",
        ["x-kubernetes-list-type"] = "map",
        ["x-kubernetes-list-map-keys"] = new JsonArray("uid"),
        ["items"] = new JsonObject { ["type"] = "object" },
    });
}
