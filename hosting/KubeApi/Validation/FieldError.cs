using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Validation;

/// <summary>
/// One validation error as k8s.io/apimachinery's <c>field.Error</c> renders it: a field path (<c>spec.scale.minScale</c>,
/// <c>&lt;nil&gt;</c> for the object itself), a type, the offending value and a detail. <see cref="Body"/> is the
/// cause's message (<c>Invalid value: -1: should be …</c>); <see cref="ToString"/> prefixes the field.
/// </summary>
internal sealed record FieldError(FieldErrorType Type, string Field, string? RenderedValue, string Detail)
{
    public string Reason => Type switch
    {
        FieldErrorType.Invalid => "FieldValueInvalid",
        FieldErrorType.TypeInvalid => "FieldValueTypeInvalid",
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.TooLong => "FieldValueTooLong",
        FieldErrorType.TooMany => "FieldValueTooMany",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        _ => "FieldValueNotFound",
    };

    /// <summary>Errors of these types stop CEL rules from running (the API server's <c>hasBlockingErr</c>).</summary>
    public bool BlocksValidationRules => Type is FieldErrorType.NotSupported or FieldErrorType.Required or FieldErrorType.TooLong
        or FieldErrorType.TooMany or FieldErrorType.TypeInvalid;

    public string Body
    {
        get
        {
            var prefix = Type switch
            {
                FieldErrorType.Invalid or FieldErrorType.TypeInvalid => "Invalid value",
                FieldErrorType.Required => "Required value",
                FieldErrorType.NotSupported => "Unsupported value",
                FieldErrorType.TooLong => "Too long",
                FieldErrorType.TooMany => "Too many",
                FieldErrorType.Forbidden => "Forbidden",
                FieldErrorType.Duplicate => "Duplicate value",
                _ => "Not found",
            };
            var body = RenderedValue is null ? prefix : $"{prefix}: {RenderedValue}";
            return Detail.Length == 0 ? body : $"{body}: {Detail}";
        }
    }

    public JsonObject Cause() => new() { ["reason"] = Reason, ["message"] = Body, ["field"] = Field };

    public override string ToString() => $"{Field}: {Body}";

    public static FieldError Invalid(string path, JsonNode? value, string detail) => new(FieldErrorType.Invalid, Render(path), Value(value), detail);

    /// <summary>An invalid value shown as a string (<c>"object"</c>, <c>"null"</c>) rather than as JSON.</summary>
    public static FieldError Invalid(string path, string value, string detail) => new(FieldErrorType.Invalid, Render(path), Quote(value), detail);

    public static FieldError TypeInvalid(string path, string actualType, string detail) => new(FieldErrorType.TypeInvalid, Render(path), Quote(actualType), detail);

    public static FieldError Required(string path, string detail = "") => new(FieldErrorType.Required, Render(path), null, detail);

    public static FieldError NotSupported(string path, JsonNode? value, IEnumerable<string> supported) =>
        new(FieldErrorType.NotSupported, Render(path), Value(value), "supported values: " + string.Join(", ", supported.Select(Quote)));

    public static FieldError TooLong(string path, long max) =>
        new(FieldErrorType.TooLong, Render(path), null, max >= 0 ? $"may not be more than {max} {(max == 1 ? "byte" : "bytes")}" : "value is too long");

    public static FieldError TooMany(string path, long actual, long max) =>
        new(FieldErrorType.TooMany, Render(path), actual.ToString(CultureInfo.InvariantCulture), $"must have at most {max} items");

    public static FieldError Forbidden(string path, string detail) => new(FieldErrorType.Forbidden, Render(path), null, detail);

    public static FieldError Duplicate(string path, JsonNode? value) => new(FieldErrorType.Duplicate, Render(path), Value(value), "");

    /// <summary>The path's text; the object itself (an empty path) renders as <c>&lt;nil&gt;</c>, as Go's nil field.Path.</summary>
    public static string Render(string path) => path.Length == 0 ? "<nil>" : path;

    /// <summary>Go's <c>%q</c>: a double-quoted string with Go escapes.</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var rune in text.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                case < 0x20 or 0x7f: quoted.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}"); break;
                default: quoted.Append(rune.ToString()); break;
            }
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>How Go prints a decoded JSON value: strings quoted, numbers and booleans bare, null as <c>"null"</c>.</summary>
    public static string Value(JsonNode? value) => value switch
    {
        null => Quote("null"),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        JsonValue v => v.ToJsonString(),
        _ => value.ToJsonString(),
    };

    /// <summary>The JSON type name the API server reports for a value (<c>string</c>, <c>integer</c>, <c>object</c>…).</summary>
    public static string TypeName(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsInteger(v) ? "integer" : "number",
            _ => "null",
        },
        _ => "unknown",
    };

    public static bool IsInteger(JsonValue value) =>
        decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && decimal.Truncate(number) == number;
}
