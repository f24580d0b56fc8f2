using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.KubeApiServer.Validation;

/// <summary>
/// OpenAPI v3 value validation of a custom resource against its structural schema, with the API server's error
/// types, paths and messages (kube-openapi's validator as apiextensions-apiserver reports it): type, enum, required,
/// pattern, min/max length, items and properties, minimum/maximum, anyOf, and the list-type map/set uniqueness.
/// </summary>
/// <remarks>Unknown fields are not errors here: they are pruned (or refused under fieldValidation=Strict) before.</remarks>
internal static class SchemaValidator
{
    public static void Validate(JsonNode? value, StructuralSchema schema, string path, List<FieldError> errors)
    {
        if (value is null)
        {
            if (!schema.Nullable && schema.Type is not null)
            {
                errors.Add(FieldError.TypeInvalid(path, "null", $"{InBody(path)} must be of type {schema.Type}: \"null\""));
            }

            return;
        }

        if (!TypeMatches(value, schema))
        {
            var actual = FieldError.TypeName(value);
            errors.Add(FieldError.TypeInvalid(path, actual, $"{InBody(path)} must be of type {schema.Type}: \"{actual}\""));
            return;
        }

        if (schema.Enum is { } allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add(FieldError.NotSupported(path, value, allowed.Select(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : a?.ToJsonString() ?? "null")));
        }

        switch (value)
        {
            case JsonObject obj:
                ValidateObject(obj, schema, path, errors);
                break;
            case JsonArray array:
                ValidateArray(array, schema, path, errors);
                break;
            case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String:
                ValidateString(scalar.GetValue<string>(), schema, path, errors);
                break;
            case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.Number:
                ValidateNumber(scalar, schema, path, errors);
                break;
        }

        if (schema.AnyOf.Count > 0 && !schema.AnyOf.Any(alternative => Passes(value, alternative)))
        {
            errors.Add(FieldError.Invalid(path, value, "must validate at least one schema (anyOf)"));
        }
    }

    private static void ValidateObject(JsonObject obj, StructuralSchema schema, string path, List<FieldError> errors)
    {
        foreach (var required in schema.Required.Where(r => !obj.ContainsKey(r)))
        {
            errors.Add(FieldError.Required(FieldPaths.Child(path, required)));
        }

        if (schema.MaxProperties is { } max && obj.Count > max)
        {
            errors.Add(FieldError.TooMany(path, obj.Count, max));
        }

        if (schema.MinProperties is { } min && obj.Count < min)
        {
            errors.Add(FieldError.Invalid(path, obj.Count, $"{InBody(path)} should have at least {min} properties"));
        }

        foreach (var (key, value) in obj)
        {
            // The object's metadata is ObjectMeta, checked by the metadata validation, not by the CRD's schema.
            if (path.Length == 0 && key == "metadata")
            {
                continue;
            }

            var property = schema.Property(key) ?? schema.AdditionalProperties;
            if (property is not null)
            {
                Validate(value, property, FieldPaths.Child(path, key), errors);
            }
        }
    }

    private static void ValidateArray(JsonArray array, StructuralSchema schema, string path, List<FieldError> errors)
    {
        if (schema.MaxItems is { } max && array.Count > max)
        {
            errors.Add(FieldError.TooMany(path, array.Count, max));
        }

        if (schema.MinItems is { } min && array.Count < min)
        {
            errors.Add(FieldError.Invalid(path, array.Count, $"{InBody(path)} should have at least {min} items"));
        }

        if (schema.Items is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Validate(array[i], items, FieldPaths.Index(path, i), errors);
            }
        }

        // x-kubernetes-list-type: set and map items must be unique (by value, or by their map keys).
        if (schema.ListType is "set" or "map")
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < array.Count; i++)
            {
                var key = schema.ListType == "set" ? array[i]?.ToJsonString() ?? "null" : MapKey(array[i], schema.ListMapKeys);
                if (key is not null && !seen.Add(key))
                {
                    errors.Add(FieldError.Duplicate(FieldPaths.Index(path, i), array[i]));
                }
            }
        }
    }

    private static void ValidateString(string text, StructuralSchema schema, string path, List<FieldError> errors)
    {
        var length = text.EnumerateRunes().Count();
        if (schema.MaxLength is { } max && length > max)
        {
            errors.Add(FieldError.TooLong(path, max));
        }

        if (schema.MinLength is { } min && length < min)
        {
            errors.Add(FieldError.Invalid(path, JsonValue.Create(text), $"{InBody(path)} should be at least {min} chars long"));
        }

        if (schema.Pattern is not null && !schema.PatternMatches(text))
        {
            errors.Add(FieldError.Invalid(path, JsonValue.Create(text), $"{InBody(path)} should match '{schema.PatternText}'"));
        }
    }

    private static void ValidateNumber(JsonValue number, StructuralSchema schema, string path, List<FieldError> errors)
    {
        if (!decimal.TryParse(number.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return;
        }

        if (schema.Minimum is { } min && (schema.ExclusiveMinimum ? value <= min : value < min))
        {
            var relation = schema.ExclusiveMinimum ? "greater than" : "greater than or equal to";
            errors.Add(FieldError.Invalid(path, number, $"{InBody(path)} should be {relation} {Print(min)}"));
        }

        if (schema.Maximum is { } max && (schema.ExclusiveMaximum ? value >= max : value > max))
        {
            var relation = schema.ExclusiveMaximum ? "less than" : "less than or equal to";
            errors.Add(FieldError.Invalid(path, number, $"{InBody(path)} should be {relation} {Print(max)}"));
        }
    }

    private static bool Passes(JsonNode value, StructuralSchema alternative)
    {
        var errors = new List<FieldError>();
        Validate(value, alternative, "", errors);
        return errors.Count == 0;
    }

    private static bool TypeMatches(JsonNode value, StructuralSchema schema)
    {
        if (schema.IntOrString)
        {
            return value is JsonValue v && (v.GetValueKind() == JsonValueKind.String || (v.GetValueKind() == JsonValueKind.Number && FieldError.IsInteger(v)));
        }

        return schema.Type switch
        {
            null => true,
            "object" => value is JsonObject,
            "array" => value is JsonArray,
            "string" => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
            "boolean" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
            "integer" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && FieldError.IsInteger(v),
            "number" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number,
            _ => true,
        };
    }

    private static string? MapKey(JsonNode? item, IReadOnlyList<string> keys) =>
        item is JsonObject obj ? string.Join('\0', keys.Select(k => obj[k]?.ToJsonString() ?? "")) : null;

    // kube-openapi names the value by its path, and the whole object "body".
    private static string InBody(string path) => $"{(path.Length == 0 ? "body" : path)} in body";

    private static string Print(decimal number) => number.ToString(CultureInfo.InvariantCulture);
}
