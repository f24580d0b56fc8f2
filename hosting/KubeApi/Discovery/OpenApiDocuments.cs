using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.Hosting.KubeApi.Discovery;

/// <summary>
/// <c>/openapi/v2</c> and <c>/openapi/v3</c> for the custom resources, built from the CRD schemas as the API server
/// publishes them: the schema with ObjectMeta referenced, the group-version-kind extension, paths per verb and
/// subresource; v2 drops what Swagger 2.0 cannot say (defaults, anyOf, nullable). Built-in kinds are listed in the
/// v3 index with empty documents: the double has no schemas for them.
/// </summary>
internal static class OpenApiDocuments
{
    private const string ApiVersionDescription = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
    private const string KindDescription = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
    private const string MetadataDescription = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
    private const string Meta = "io.k8s.apimachinery.pkg.apis.meta.v1.";

    private static readonly string[] MetaSchemas =
        ["DeleteOptions", "FieldsV1", "ListMeta", "ManagedFieldsEntry", "ObjectMeta", "OwnerReference", "Patch", "Preconditions", "Status", "StatusCause", "StatusDetails", "Time"];

    private static readonly string[] ReadMedia = ["application/json", "application/yaml"];
    private static readonly string[] PatchMedia = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];

    public static JsonObject V2(IEnumerable<ResourceType> types)
    {
        var paths = new JsonObject();
        var definitions = new JsonObject();
        foreach (var crd in Crds(types))
        {
            definitions[DefinitionName(crd.Type)] = Definition(crd, v2: true);
            definitions[DefinitionName(crd.Type) + "List"] = ListDefinition(crd.Type, v2: true);
            foreach (var (path, item) in Paths(crd, v2: true))
            {
                paths[path] = item;
            }
        }

        foreach (var name in MetaSchemas)
        {
            definitions[Meta + name] = Stub(name);
        }

        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "1.32" },
            ["paths"] = paths,
            ["definitions"] = definitions,
        };
    }

    /// <summary>The v3 index: one entry per group version, each URL carrying its document's hash.</summary>
    public static JsonObject V3Index(IEnumerable<ResourceType> types)
    {
        var served = types.ToList();
        var paths = new JsonObject();
        foreach (var key in V3Keys(served))
        {
            var hash = Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(V3(served, key)!.ToJsonString())));
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The v3 document of <c>api</c>, <c>api/v1</c>, <c>apis</c> or <c>apis/{group}/{version}</c>; null for anything else.</summary>
    public static JsonObject? V3(IEnumerable<ResourceType> types, string key)
    {
        var served = types.ToList();
        if (!V3Keys(served).Contains(key))
        {
            return null;
        }

        var paths = new JsonObject();
        var schemas = new JsonObject();
        var parts = key.Split('/');
        var crds = parts is ["apis", var group, var version]
            ? Crds(served).Where(c => c.Type.Group == group && c.Type.Version == version).ToList()
            : [];
        foreach (var crd in crds)
        {
            schemas[DefinitionName(crd.Type)] = Definition(crd, v2: false);
            schemas[DefinitionName(crd.Type) + "List"] = ListDefinition(crd.Type, v2: false);
            foreach (var (path, item) in Paths(crd, v2: false))
            {
                paths[path] = item;
            }
        }

        if (crds.Count > 0)
        {
            if (crds.Any(c => c.Type.Scale is not null))
            {
                foreach (var name in (string[])["Scale", "ScaleSpec", "ScaleStatus"])
                {
                    schemas["io.k8s.api.autoscaling.v1." + name] = Stub(name);
                }
            }

            foreach (var name in MetaSchemas)
            {
                schemas[Meta + name] = Stub(name);
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = crds.Count > 0 ? "Kubernetes CRD Swagger" : "Kubernetes", ["version"] = crds.Count > 0 ? "v0.1.0" : "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject(schemas.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))) },
        };
    }

    private static List<string> V3Keys(List<ResourceType> types) =>
        ["api", "api/v1", "apis", .. types.Where(t => t.Group.Length > 0).Select(t => $"apis/{t.Group}/{t.Version}").Distinct().Order(StringComparer.Ordinal)];

    private static IEnumerable<CustomResourceDefinition> Crds(IEnumerable<ResourceType> types) =>
        types.Select(CustomResourceDefinitions.For).OfType<CustomResourceDefinition>().OrderBy(c => c.Type.Plural, StringComparer.Ordinal);

    /// <summary><c>dev.serverless.v1alpha1.Function</c>: the group reversed, then version and kind.</summary>
    private static string DefinitionName(ResourceType type) =>
        $"{string.Join('.', type.Group.Split('.').Reverse())}.{type.Version}.{type.Kind}";

    private static JsonObject Definition(CustomResourceDefinition crd, bool v2)
    {
        var schema = (JsonObject)crd.Schema.Raw.DeepClone();
        if (v2)
        {
            ToSwagger2(schema);
        }

        var properties = schema["properties"] as JsonObject ?? [];
        properties["apiVersion"] = new JsonObject { ["description"] = ApiVersionDescription, ["type"] = "string" };
        properties["kind"] = new JsonObject { ["description"] = KindDescription, ["type"] = "string" };
        properties["metadata"] = v2
            ? new JsonObject { ["description"] = MetadataDescription, ["$ref"] = $"#/definitions/{Meta}ObjectMeta" }
            : new JsonObject { ["description"] = MetadataDescription, ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/components/schemas/{Meta}ObjectMeta" }) };
        schema["properties"] = properties;
        schema["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(crd.Type, crd.Type.Kind));
        schema["x-kubernetes-selectable-fields"] = new JsonArray();
        return schema;
    }

    private static JsonObject ListDefinition(ResourceType type, bool v2)
    {
        var reference = v2 ? $"#/definitions/{DefinitionName(type)}" : $"#/components/schemas/{DefinitionName(type)}";
        var listMeta = v2 ? $"#/definitions/{Meta}ListMeta" : $"#/components/schemas/{Meta}ListMeta";
        return new JsonObject
        {
            ["description"] = $"{type.Kind}List is a list of {type.Kind}",
            ["type"] = "object",
            ["required"] = new JsonArray("items"),
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["description"] = ApiVersionDescription, ["type"] = "string" },
                ["items"] = new JsonObject
                {
                    ["description"] = $"List of {type.Plural.ToLowerInvariant()}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md",
                    ["type"] = "array",
                    ["items"] = new JsonObject { ["$ref"] = reference },
                },
                ["kind"] = new JsonObject { ["description"] = KindDescription, ["type"] = "string" },
                ["metadata"] = new JsonObject { ["description"] = "Standard list metadata.", ["$ref"] = listMeta },
            },
            ["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(type, type.Kind + "List")),
        };
    }

    // Swagger 2.0 has no default (for CRDs the server leaves it out), anyOf/oneOf/allOf/not or nullable, and a
    // value that keeps unknown fields loses its type.
    private static void ToSwagger2(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in (string[])["default", "anyOf", "oneOf", "allOf", "not", "nullable"])
                {
                    obj.Remove(key);
                }

                if (obj["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true && obj["properties"] is null)
                {
                    obj.Remove("type");
                }

                foreach (var (_, value) in obj.ToList())
                {
                    ToSwagger2(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    ToSwagger2(item);
                }

                break;
        }
    }

    private static IEnumerable<(string Path, JsonObject Item)> Paths(CustomResourceDefinition crd, bool v2)
    {
        var type = crd.Type;
        var prefix = $"/apis/{type.Group}/{type.Version}";
        var id = $"{Pascal(type.Group)}{Pascal(type.Version)}";
        var kind = type.Kind;
        var scope = type.Namespaced ? "Namespaced" : "";
        var objects = type.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{type.Plural}" : $"{prefix}/{type.Plural}";
        var gvk = Gvk(type, kind);

        if (type.Namespaced)
        {
            yield return ($"{prefix}/{type.Plural}", Item(v2, kind, null, gvk, ("get", $"list{id}{kind}ForAllNamespaces", "list")));
        }

        yield return (objects, Item(v2, kind, null, gvk,
            ("delete", $"deleteCollection{id}{scope}{kind}", "deletecollection"),
            ("get", $"list{id}{scope}{kind}", "list"),
            ("post", $"create{id}{scope}{kind}", "post")));
        yield return ($"{objects}/{{name}}", Item(v2, kind, "", gvk,
            ("delete", $"delete{id}{scope}{kind}", "delete"),
            ("get", $"read{id}{scope}{kind}", "get"),
            ("patch", $"patch{id}{scope}{kind}", "patch"),
            ("put", $"replace{id}{scope}{kind}", "put")));
        if (type.Scale is not null)
        {
            yield return ($"{objects}/{{name}}/scale", Item(v2, kind, "Scale", gvk,
                ("get", $"read{id}{scope}{kind}Scale", "get"),
                ("patch", $"patch{id}{scope}{kind}Scale", "patch"),
                ("put", $"replace{id}{scope}{kind}Scale", "put")));
        }

        if (type.HasStatus)
        {
            yield return ($"{objects}/{{name}}/status", Item(v2, kind, "Status", gvk,
                ("get", $"read{id}{scope}{kind}Status", "get"),
                ("patch", $"patch{id}{scope}{kind}Status", "patch"),
                ("put", $"replace{id}{scope}{kind}Status", "put")));
        }
    }

    private static JsonObject Item(bool v2, string kind, string? item, JsonObject gvk, params (string Verb, string OperationId, string Action)[] operations)
    {
        var pathItem = new JsonObject();
        foreach (var (verb, operationId, action) in operations)
        {
            var operation = new JsonObject { ["description"] = $"{action} {kind}", ["operationId"] = operationId };
            if (verb is "put" or "patch" or "post")
            {
                // kubectl looks for fieldValidation here to decide that the server validates fields (it then skips
                // its own schema validation, which would need /openapi/v2 as protobuf).
                string[] names = verb == "patch" ? ["dryRun", "fieldManager", "fieldValidation", "force"] : ["dryRun", "fieldManager", "fieldValidation"];
                operation["parameters"] = new JsonArray(names.Select(n => (JsonNode?)QueryParameter(n, v2)).ToArray());
            }

            var consumes = verb == "patch" ? PatchMedia : ReadMedia;
            if (v2)
            {
                if (verb is "put" or "patch" or "post")
                {
                    operation["consumes"] = Strings(consumes);
                }
                else if (item is "Scale")
                {
                    operation["consumes"] = Strings(ReadMedia);
                }

                operation["produces"] = Strings(ReadMedia);
                operation["schemes"] = Strings(["https"]);
            }
            else if (verb is "put" or "patch" or "post")
            {
                operation["requestBody"] = new JsonObject
                {
                    ["content"] = new JsonObject(consumes.Order(StringComparer.Ordinal).Select(m => KeyValuePair.Create(m, (JsonNode?)new JsonObject()))),
                    ["required"] = true,
                };
            }

            operation["responses"] = new JsonObject
            {
                ["200"] = new JsonObject { ["description"] = "OK" },
                ["401"] = new JsonObject { ["description"] = "Unauthorized" },
            };
            operation["x-kubernetes-action"] = action;
            operation["x-kubernetes-group-version-kind"] = gvk.DeepClone();
            pathItem[verb] = operation;
        }

        // Swagger 2.0 path parameters (v3 documents would need them as components; kubectl only reads v2's).
        if (item is not null && v2)
        {
            pathItem["parameters"] = new JsonArray(
                new JsonObject
                {
                    ["uniqueItems"] = true,
                    ["type"] = "string",
                    ["description"] = $"name of the {kind}",
                    ["name"] = "name",
                    ["in"] = "path",
                    ["required"] = true,
                },
                new JsonObject { ["$ref"] = "#/parameters/namespace-vgWSWtn3" },
                new JsonObject { ["$ref"] = "#/parameters/pretty-tJGM1-ng" });
        }

        return pathItem;
    }

    private static JsonObject QueryParameter(string name, bool v2)
    {
        var type = name == "force" ? "boolean" : "string";
        var parameter = new JsonObject { ["name"] = name, ["in"] = "query", ["description"] = $"the {name} request option" };
        if (v2)
        {
            parameter["type"] = type;
            parameter["uniqueItems"] = true;
        }
        else
        {
            parameter["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true };
        }

        return parameter;
    }

    private static JsonObject Gvk(ResourceType type, string kind) => new() { ["group"] = type.Group, ["kind"] = kind, ["version"] = type.Version };

    private static JsonObject Stub(string name) => name == "Time"
        ? new JsonObject { ["type"] = "string", ["format"] = "date-time" }
        : new JsonObject { ["description"] = $"{name} (the double publishes no schema for it)", ["type"] = "object" };

    private static string Pascal(string text) => string.Concat(text.Split('.', '-').Select(p => p.Length == 0 ? p : char.ToUpper(p[0], CultureInfo.InvariantCulture) + p[1..]));

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
