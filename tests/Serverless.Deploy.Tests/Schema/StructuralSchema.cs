using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Validation.Cel;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>
/// The part of the API server's custom resource validation that our CRDs use, so a test can ask "would the
/// cluster accept this spec?" without a cluster. In request order: nulls are pruned, defaults applied (top-down,
/// so a defaulted <c>{}</c> gets its nested defaults), then OpenAPI v3 validation (type, properties, required,
/// enum, minimum/maximum, minLength/maxLength, pattern, items, maxItems, maxProperties, additionalProperties,
/// anyOf, oneOf, x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields, x-kubernetes-list-type map/set)
/// and the CEL rules, compiled and evaluated by a real CEL engine (<see cref="CelEngine"/>) with <c>self</c> typed
/// from the schema at the rule, as the API server does. Unknown fields are pruned as the API server does by
/// default (kubectl's strict field validation would refuse them instead). Keywords outside that subset throw,
/// so a CRD cannot silently rely on something this validator ignores.
/// </summary>
internal sealed class StructuralSchema
{
    private static readonly HashSet<string> Understood =
    [
        "type", "description", "properties", "required", "enum", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "minLength", "maxLength", "pattern", "items", "minItems", "maxItems", "maxProperties",
        "minProperties", "additionalProperties", "anyOf", "oneOf", "default", "format", "x-kubernetes-int-or-string",
        "x-kubernetes-preserve-unknown-fields", "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
        "x-kubernetes-validations",
    ];

    private readonly JsonObject _schema;

    public StructuralSchema(JsonObject schema) => _schema = schema;

    /// <summary>Validates a copy of <paramref name="value"/> after pruning and defaulting it; returns every error.</summary>
    public IReadOnlyList<SchemaError> Validate(JsonNode value)
    {
        var copy = value.DeepClone();
        ApplyDefaults(copy, _schema);
        var errors = new List<SchemaError>();
        Check(copy, _schema, "", errors);
        return errors;
    }

    /// <summary>The object as it would be stored: nulls pruned, defaults filled in.</summary>
    public JsonNode Default(JsonNode value)
    {
        var copy = value.DeepClone();
        ApplyDefaults(copy, _schema);
        return copy;
    }

    private static void ApplyDefaults(JsonNode? node, JsonObject schema)
    {
        switch (node)
        {
            case JsonObject obj:
                if (schema["properties"] is JsonObject properties)
                {
                    foreach (var (name, propertySchema) in properties)
                    {
                        if (obj.ContainsKey(name) && obj[name] is null)
                        {
                            obj.Remove(name);
                        }

                        if (!obj.ContainsKey(name) && propertySchema!["default"] is { } defaultValue)
                        {
                            obj[name] = defaultValue.DeepClone();
                        }

                        if (obj[name] is { } child)
                        {
                            ApplyDefaults(child, (JsonObject)propertySchema!);
                        }
                    }
                }

                if (schema["additionalProperties"] is JsonObject valueSchema)
                {
                    foreach (var (_, child) in obj.ToArray())
                    {
                        ApplyDefaults(child, valueSchema);
                    }
                }

                break;
            case JsonArray array when schema["items"] is JsonObject itemSchema:
                foreach (var item in array)
                {
                    ApplyDefaults(item, itemSchema);
                }

                break;
        }
    }

    private static void Check(JsonNode? node, JsonObject schema, string path, List<SchemaError> errors)
    {
        foreach (var (keyword, _) in schema)
        {
            if (!Understood.Contains(keyword))
            {
                throw new NotSupportedException($"schema keyword \"{keyword}\" at {Display(path)} is not implemented by this validator");
            }
        }

        var before = errors.Count;
        if (!CheckType(node, schema, path, errors))
        {
            return;
        }

        CheckEnum(node, schema, path, errors);
        switch (node)
        {
            case JsonObject obj:
                CheckObject(obj, schema, path, errors);
                break;
            case JsonArray array:
                CheckArray(array, schema, path, errors);
                break;
            default:
                CheckScalar(node!, schema, path, errors);
                break;
        }

        CheckAlternatives(node, schema, path, errors);

        // The API server skips CEL rules of a value that already failed its own schema checks.
        if (errors.Count == before && schema["x-kubernetes-validations"] is JsonArray rules)
        {
            CheckRules(node, schema, rules, path, errors);
        }
    }

    /// <summary>
    /// As apiextensions-apiserver's CEL validator: a false rule is reported at its fieldPath with its message, an
    /// evaluation error at the rule's own location. Transition rules (oldSelf) run on updates only, never here.
    /// </summary>
    private static void CheckRules(JsonNode? node, JsonObject schema, JsonArray rules, string path, List<SchemaError> errors)
    {
        foreach (var rule in rules)
        {
            var text = (string)rule!["rule"]!;
            var program = CelEngine.Shared.Compile(schema, text, isResourceRoot: path.Length == 0);
            if (program.CompileError is { } compileError)
            {
                throw new NotSupportedException($"the CEL rule at {Display(path)} does not compile, so the API server refuses the CRD: {compileError}\n{text}");
            }

            if (program.UsesOldSelf)
            {
                continue;
            }

            var result = program.Evaluate(node);
            if (result.Error is { } error)
            {
                errors.Add(new SchemaError(Display(path), $"{error} evaluating rule: {text}"));
            }
            else if (!result.Value)
            {
                var fieldPath = (string?)rule["fieldPath"] ?? "";
                errors.Add(new SchemaError(Display(path + fieldPath), (string?)rule["message"] ?? "failed rule: " + text));
            }
        }
    }

    private static bool CheckType(JsonNode? node, JsonObject schema, string path, List<SchemaError> errors)
    {
        var kind = JsonValues.KindOf(node);
        if (schema["x-kubernetes-int-or-string"] is JsonValue intOrString && (bool)intOrString)
        {
            if (kind == JsonValueKind.String || JsonValues.TryInteger(node, out _))
            {
                return true;
            }

            errors.Add(new SchemaError(Display(path), "must be an integer or a string"));
            return false;
        }

        if ((string?)schema["type"] is not { } type)
        {
            return true;
        }

        var ok = type switch
        {
            "object" => node is JsonObject,
            "array" => node is JsonArray,
            "string" => kind == JsonValueKind.String,
            "integer" => JsonValues.TryInteger(node, out _),
            "number" => kind == JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            _ => throw new NotSupportedException($"type \"{type}\" at {Display(path)}"),
        };
        if (!ok)
        {
            errors.Add(new SchemaError(Display(path), $"must be of type {type} (got {kind})"));
        }

        return ok;
    }

    private static void CheckEnum(JsonNode? node, JsonObject schema, string path, List<SchemaError> errors)
    {
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, node)))
        {
            errors.Add(new SchemaError(Display(path), $"unsupported value {node?.ToJsonString()}: supported values: {allowed.ToJsonString()}"));
        }
    }

    private static void CheckObject(JsonObject obj, JsonObject schema, string path, List<SchemaError> errors)
    {
        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => (string)r!))
            {
                if (obj[name] is null)
                {
                    errors.Add(new SchemaError(Display(path + "." + name), "Required value"));
                }
            }
        }

        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"] as JsonObject;

        // Unknown fields are pruned before validation, so the property counts below see only known ones.
        if (properties is not null && additional is null && schema["x-kubernetes-preserve-unknown-fields"] is null)
        {
            foreach (var name in obj.Select(p => p.Key).Where(name => properties[name] is null).ToArray())
            {
                obj.Remove(name);
            }
        }

        if (schema["maxProperties"] is { } maxProperties && obj.Count > JsonValues.Int(maxProperties))
        {
            errors.Add(new SchemaError(Display(path), $"must have at most {JsonValues.Int(maxProperties)} properties (got {obj.Count})"));
        }

        if (schema["minProperties"] is { } minProperties && obj.Count < JsonValues.Int(minProperties))
        {
            errors.Add(new SchemaError(Display(path), $"must have at least {JsonValues.Int(minProperties)} properties (got {obj.Count})"));
        }

        foreach (var (name, child) in obj.ToArray())
        {
            if (properties?[name] is JsonObject propertySchema)
            {
                Check(child, propertySchema, path + "." + name, errors);
            }
            else if (additional is not null)
            {
                Check(child, additional, path + "[" + name + "]", errors);
            }
        }
    }

    private static void CheckArray(JsonArray array, JsonObject schema, string path, List<SchemaError> errors)
    {
        if (schema["maxItems"] is { } maxItems && array.Count > JsonValues.Int(maxItems))
        {
            errors.Add(new SchemaError(Display(path), $"must have at most {JsonValues.Int(maxItems)} items (got {array.Count})"));
        }

        if (schema["minItems"] is { } minItems && array.Count < JsonValues.Int(minItems))
        {
            errors.Add(new SchemaError(Display(path), $"must have at least {JsonValues.Int(minItems)} items (got {array.Count})"));
        }

        if (schema["items"] is JsonObject itemSchema)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(array[i], itemSchema, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", errors);
            }
        }

        var listType = (string?)schema["x-kubernetes-list-type"];
        if (listType is "map" or "set")
        {
            var keys = listType == "map"
                ? ((JsonArray)schema["x-kubernetes-list-map-keys"]!).Select(k => (string)k!).ToArray()
                : null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < array.Count; i++)
            {
                var identity = keys is null
                    ? array[i]?.ToJsonString() ?? "null"
                    : string.Join("\0", keys.Select(k => array[i]?[k]?.ToJsonString() ?? "null"));
                if (!seen.Add(identity))
                {
                    errors.Add(new SchemaError(Display(path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]"), "Duplicate value"));
                }
            }
        }
    }

    private static void CheckScalar(JsonNode node, JsonObject schema, string path, List<SchemaError> errors)
    {
        if (JsonValues.KindOf(node) == JsonValueKind.String)
        {
            var text = (string)node!;
            var length = JsonValues.Length(text);
            if (schema["minLength"] is { } minLength && length < JsonValues.Int(minLength))
            {
                errors.Add(new SchemaError(Display(path), $"should be at least {JsonValues.Int(minLength)} chars long"));
            }

            if (schema["maxLength"] is { } maxLength && length > JsonValues.Int(maxLength))
            {
                errors.Add(new SchemaError(Display(path), $"may not be more than {JsonValues.Int(maxLength)} characters (got {length})"));
            }

            if ((string?)schema["pattern"] is { } pattern && !Re2Pattern.IsMatch(pattern, text))
            {
                errors.Add(new SchemaError(Display(path), $"should match '{pattern}'"));
            }

            return;
        }

        if (JsonValues.KindOf(node) != JsonValueKind.Number)
        {
            return;
        }

        var value = JsonValues.Number(node);
        if (schema["minimum"] is { } minimum)
        {
            var exclusive = schema["exclusiveMinimum"] is JsonValue flag && (bool)flag;
            if (exclusive ? value <= JsonValues.Number(minimum) : value < JsonValues.Number(minimum))
            {
                errors.Add(new SchemaError(Display(path), $"should be greater than {(exclusive ? "" : "or equal to ")}{JsonValues.Number(minimum)}"));
            }
        }

        if (schema["maximum"] is { } maximum)
        {
            var exclusive = schema["exclusiveMaximum"] is JsonValue flag && (bool)flag;
            if (exclusive ? value >= JsonValues.Number(maximum) : value > JsonValues.Number(maximum))
            {
                errors.Add(new SchemaError(Display(path), $"should be less than {(exclusive ? "" : "or equal to ")}{JsonValues.Number(maximum)}"));
            }
        }
    }

    private static void CheckAlternatives(JsonNode? node, JsonObject schema, string path, List<SchemaError> errors)
    {
        if (schema["anyOf"] is JsonArray anyOf && !anyOf.Any(branch => Passes(node, (JsonObject)branch!, path)))
        {
            errors.Add(new SchemaError(Display(path), "must match at least one schema of anyOf"));
        }

        if (schema["oneOf"] is JsonArray oneOf)
        {
            var matches = oneOf.Count(branch => Passes(node, (JsonObject)branch!, path));
            if (matches != 1)
            {
                errors.Add(new SchemaError(Display(path), $"must match exactly one schema of oneOf (matched {matches})"));
            }
        }
    }

    private static bool Passes(JsonNode? node, JsonObject branch, string path)
    {
        var branchErrors = new List<SchemaError>();
        Check(node?.DeepClone(), branch, path, branchErrors);
        return branchErrors.Count == 0;
    }

    private static string Display(string path) => path.Length == 0 ? "<root>" : path.TrimStart('.');
}
