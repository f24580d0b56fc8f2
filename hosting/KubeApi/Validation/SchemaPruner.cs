using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.Hosting.KubeApi.Validation;

/// <summary>
/// Structural pruning: drops every field the schema does not declare (unless <c>x-kubernetes-preserve-unknown-fields</c>)
/// and reports each dropped path, which <c>fieldValidation</c> turns into a 400 (Strict), a Warning (Warn) or nothing.
/// At the root, <c>apiVersion</c>, <c>kind</c> and <c>metadata</c> are kept and metadata is held to ObjectMeta's fields.
/// </summary>
internal static class SchemaPruner
{
    private static readonly HashSet<string> ObjectMetaFields =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ];

    /// <summary>Prunes <paramref name="root"/> in place; the dropped paths go to <paramref name="pruned"/> in document order.</summary>
    public static void Prune(JsonObject root, StructuralSchema schema, List<string> pruned)
    {
        foreach (var key in root.Select(p => p.Key).ToList())
        {
            switch (key)
            {
                case "apiVersion" or "kind":
                    continue;
                case "metadata":
                    if (root[key] is JsonObject meta)
                    {
                        foreach (var unknown in meta.Select(p => p.Key).Where(k => !ObjectMetaFields.Contains(k)).ToList())
                        {
                            meta.Remove(unknown);
                            pruned.Add($"metadata.{unknown}");
                        }
                    }

                    continue;
            }

            PruneProperty(root, key, schema, "", pruned);
        }
    }

    private static void PruneProperty(JsonObject obj, string key, StructuralSchema schema, string path, List<string> pruned)
    {
        var property = schema.Property(key) ?? schema.AdditionalProperties;
        var child = FieldPaths.Child(path, key);
        if (property is null)
        {
            if (!schema.PreserveUnknownFields)
            {
                obj.Remove(key);
                pruned.Add(child);
            }

            return;
        }

        Prune(obj[key], property, child, pruned);
    }

    private static void Prune(JsonNode? node, StructuralSchema schema, string path, List<string> pruned)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (schema.EmbeddedResource && key is "apiVersion" or "kind" or "metadata")
                    {
                        continue;
                    }

                    PruneProperty(obj, key, schema, path, pruned);
                }

                break;
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    Prune(array[i], items, FieldPaths.Index(path, i), pruned);
                }

                break;
        }
    }
}
