using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>
/// The recorder trimmed the large discovery and OpenAPI documents (each file's <c>_note</c> says how); this cuts
/// the double's document the same way, so the two compare shape for shape.
/// </summary>
internal static class DiscoveryProjection
{
    private const string FunctionDefinition = "dev.serverless.v1alpha1.Function";

    public static JsonNode? Project(string file, JsonNode? recorded, JsonNode? actual)
    {
        if (actual is not JsonObject doc || recorded is not JsonObject expected)
        {
            return actual;
        }

        return file switch
        {
            "apis" => new JsonObject
            {
                ["kind"] = doc["kind"]?.DeepClone(),
                ["apiVersion"] = doc["apiVersion"]?.DeepClone(),
                ["groups"] = Select(doc["groups"], expected["groups"], g => g?["name"]?.GetValue<string>()),
            },
            "aggregated-apis" or "aggregated-apis-v2beta1" => WithItems(doc, RecordedKinds(Select(doc["items"], expected["items"], i => i?["metadata"]?["name"]?.GetValue<string>()), expected["items"])),
            "apis-serverless.dev-v1alpha1" => WithResources(doc, expected),
            "aggregated-api" => AggregatedCore(doc, expected),
            "openapi-v2-function" => OpenApiV2(doc),
            "openapi-v3-index" => new JsonObject { ["paths"] = Pick(doc["paths"] as JsonObject, (expected["paths"] as JsonObject)?.Select(p => p.Key)) },
            "openapi-v3-serverless" => OpenApiV3(doc),
            _ => actual,
        };
    }

    // The recordings were made with the CRDs of their day: the Revision CRD (issue #17) came later, so the serverless.dev
    // group is cut to the resources the recording lists; a recorded resource the double lacks still shows as missing.
    private static JsonArray RecordedKinds(JsonArray items, JsonNode? recordedItems)
    {
        foreach (var item in items.OfType<JsonObject>().Where(i => i["metadata"]?["name"]?.GetValue<string>() == "serverless.dev"))
        {
            var recorded = (recordedItems as JsonArray ?? []).FirstOrDefault(i => i?["metadata"]?["name"]?.GetValue<string>() == "serverless.dev");
            foreach (var version in (item["versions"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var recordedVersion = (recorded?["versions"] as JsonArray ?? []).FirstOrDefault(v => v?["version"]?.GetValue<string>() == version["version"]?.GetValue<string>());
                version["resources"] = Select(version["resources"], recordedVersion?["resources"], r => r?["resource"]?.GetValue<string>());
            }
        }

        return items;
    }

    private static JsonObject WithResources(JsonObject doc, JsonObject expected)
    {
        var copy = (JsonObject)doc.DeepClone();
        copy["resources"] = Select(doc["resources"], expected["resources"], r => r?["name"]?.GetValue<string>());
        return copy;
    }

    private static JsonObject WithItems(JsonObject doc, JsonArray items)
    {
        var copy = (JsonObject)doc.DeepClone();
        copy["items"] = items;
        return copy;
    }

    // /api: one item (the core group), its one version's resources cut to the recorded ones.
    private static JsonObject AggregatedCore(JsonObject doc, JsonObject expected)
    {
        var copy = (JsonObject)doc.DeepClone();
        var version = copy["items"]?[0]?["versions"]?[0] as JsonObject;
        var recorded = expected["items"]?[0]?["versions"]?[0]?["resources"];
        if (version is not null)
        {
            version["resources"] = Select(version["resources"], recorded, r => r?["resource"]?.GetValue<string>());
        }

        return copy;
    }

    private static JsonObject OpenApiV2(JsonObject doc)
    {
        var definitions = doc["definitions"] as JsonObject;
        var paths = doc["paths"] as JsonObject;
        var scale = paths?["/apis/serverless.dev/v1alpha1/namespaces/{namespace}/functions/{name}/scale"] as JsonObject;
        var ops = new JsonObject();
        foreach (var verb in (string[])["get", "put", "patch"])
        {
            if (scale?[verb] is JsonObject op)
            {
                ops[verb] = Pick(op, ["operationId", "consumes", "produces", "x-kubernetes-action", "x-kubernetes-group-version-kind"]);
            }
        }

        if (scale?["parameters"] is { } parameters)
        {
            ops["parameters"] = parameters.DeepClone();
        }

        return new JsonObject
        {
            ["swagger"] = doc["swagger"]?.DeepClone(),
            ["info"] = doc["info"]?.DeepClone(),
            ["definition"] = definitions?[FunctionDefinition]?.DeepClone(),
            ["definitionKeysMatchingServerless"] = Keys(definitions, k => k.StartsWith("dev.serverless.", StringComparison.Ordinal)),
            ["pathsForFunctions"] = Keys(paths, k => k.Contains("/namespaces/{namespace}/functions", StringComparison.Ordinal)),
            ["samplePathOps"] = ops,
        };
    }

    private static JsonObject OpenApiV3(JsonObject doc)
    {
        var paths = doc["paths"] as JsonObject;
        var item = paths?["/apis/serverless.dev/v1alpha1/namespaces/{namespace}/functions/{name}"] as JsonObject;
        var get = item?["get"] as JsonObject;
        var schemas = doc["components"]?["schemas"] as JsonObject;
        return new JsonObject
        {
            ["openapi"] = doc["openapi"]?.DeepClone(),
            ["info"] = doc["info"]?.DeepClone(),
            ["pathKeys"] = Keys(paths, k => k.Contains("/functions", StringComparison.Ordinal)),
            ["functionItemPath"] = new JsonObject
            {
                ["get"] = new JsonObject
                {
                    ["operationId"] = get?["operationId"]?.DeepClone(),
                    ["x-kubernetes-action"] = get?["x-kubernetes-action"]?.DeepClone(),
                    ["x-kubernetes-group-version-kind"] = get?["x-kubernetes-group-version-kind"]?.DeepClone(),
                    ["responses"] = Keys(get?["responses"] as JsonObject, _ => true),
                },
                ["patchRequestBodyContentTypes"] = Keys(item?["patch"]?["requestBody"]?["content"] as JsonObject, _ => true),
            },
            ["schemaKeys"] = Keys(schemas, _ => true),
            ["functionSchema"] = schemas?[FunctionDefinition]?.DeepClone(),
        };
    }

    // The actual items whose key the recording kept, in the recording's order (absent ones left out: the
    // comparison then reports the count).
    private static JsonArray Select(JsonNode? actual, JsonNode? recorded, Func<JsonNode?, string?> key)
    {
        var byKey = (actual as JsonArray ?? []).Where(i => key(i) is not null).GroupBy(key).ToDictionary(g => g.Key!, g => g.First());
        return new JsonArray((recorded as JsonArray ?? [])
            .Select(key)
            .Where(k => k is not null && byKey.ContainsKey(k))
            .Select(k => byKey[k!]?.DeepClone())
            .ToArray());
    }

    private static JsonObject Pick(JsonObject? source, IEnumerable<string>? keys)
    {
        var picked = new JsonObject();
        foreach (var key in keys ?? [])
        {
            if (source?[key] is { } value)
            {
                picked[key] = value.DeepClone();
            }
        }

        return picked;
    }

    private static JsonArray Keys(JsonObject? source, Func<string, bool> keep) =>
        new((source ?? []).Select(p => p.Key).Where(keep).Order(StringComparer.Ordinal).Select(k => (JsonNode?)JsonValue.Create(k)).ToArray());
}
