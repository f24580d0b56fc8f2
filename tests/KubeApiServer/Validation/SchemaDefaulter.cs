using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.KubeApiServer.Validation;

/// <summary>
/// Structural defaulting as apiextensions-apiserver does it: an absent property (or a null one the schema does not
/// allow) gets its <c>default</c>, and defaulting continues inside what was just filled in, so <c>scale: {}</c>
/// by default becomes <c>scale: {minScale: 0, …}</c>. A null without a default where null is not allowed is dropped.
/// </summary>
internal static class SchemaDefaulter
{
    public static void Default(JsonNode? node, StructuralSchema schema)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, property) in schema.Properties)
                {
                    if (property.Default is not null && (!obj.TryGetPropertyValue(name, out var present) || (present is null && !property.Nullable)))
                    {
                        obj[name] = property.Default.DeepClone();
                    }
                }

                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var property = schema.Property(key) ?? schema.AdditionalProperties;
                    if (property is null)
                    {
                        continue;
                    }

                    if (obj[key] is null && !property.Nullable)
                    {
                        if (property.Default is not null)
                        {
                            obj[key] = property.Default.DeepClone();
                        }
                        else
                        {
                            obj.Remove(key);
                            continue;
                        }
                    }

                    Default(obj[key], property);
                }

                break;
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is null && !items.Nullable && items.Default is not null)
                    {
                        array[i] = items.Default.DeepClone();
                    }

                    Default(array[i], items);
                }

                break;
        }
    }
}
