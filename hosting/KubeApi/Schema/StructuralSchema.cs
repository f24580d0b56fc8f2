using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Hosting.KubeApi.Schema;

/// <summary>
/// One node of a CRD's structural OpenAPI v3 schema, parsed once: what the API server validates, defaults and
/// prunes with. <see cref="Raw"/> keeps the node as the CRD wrote it (for OpenAPI documents and CEL typing).
/// </summary>
internal sealed class StructuralSchema
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    private StructuralSchema(JsonObject raw)
    {
        Raw = raw;
    }

    public JsonObject Raw { get; }

    /// <summary>object, array, string, integer, number or boolean; null when any type goes (int-or-string, preserve-unknown-fields).</summary>
    public string? Type { get; private init; }

    /// <summary>Declared properties in the CRD's order.</summary>
    public IReadOnlyList<KeyValuePair<string, StructuralSchema>> Properties { get; private init; } = [];

    public StructuralSchema? Items { get; private init; }

    /// <summary>The schema of every key of a map (<c>additionalProperties: {…}</c>).</summary>
    public StructuralSchema? AdditionalProperties { get; private init; }

    public IReadOnlyList<string> Required { get; private init; } = [];

    public JsonArray? Enum { get; private init; }

    public string? PatternText { get; private init; }

    public Regex? Pattern { get; private init; }

    public long? MinLength { get; private init; }

    public long? MaxLength { get; private init; }

    public long? MinItems { get; private init; }

    public long? MaxItems { get; private init; }

    public long? MinProperties { get; private init; }

    public long? MaxProperties { get; private init; }

    public decimal? Minimum { get; private init; }

    public decimal? Maximum { get; private init; }

    public bool ExclusiveMinimum { get; private init; }

    public bool ExclusiveMaximum { get; private init; }

    public bool Nullable { get; private init; }

    public bool PreserveUnknownFields { get; private init; }

    public bool IntOrString { get; private init; }

    public bool EmbeddedResource { get; private init; }

    public JsonNode? Default { get; private init; }

    /// <summary>atomic (the default), set or map.</summary>
    public string ListType { get; private init; } = "atomic";

    public IReadOnlyList<string> ListMapKeys { get; private init; } = [];

    /// <summary>Value validations that do not shape the object: only where the value is one of the alternatives.</summary>
    public IReadOnlyList<StructuralSchema> AnyOf { get; private init; } = [];

    public IReadOnlyList<ValidationRule> Rules { get; private init; } = [];

    /// <summary>Whether this node or any node below it has <c>x-kubernetes-validations</c>.</summary>
    public bool HasRules { get; private init; }

    public StructuralSchema? Property(string name)
    {
        foreach (var (key, value) in Properties)
        {
            if (key == name)
            {
                return value;
            }
        }

        return null;
    }

    public static StructuralSchema Parse(JsonObject raw)
    {
        var properties = (raw["properties"] as JsonObject ?? [])
            .Select(p => KeyValuePair.Create(p.Key, Parse((JsonObject)p.Value!)))
            .ToList();
        var items = raw["items"] is JsonObject itemsNode ? Parse(itemsNode) : null;
        var additional = raw["additionalProperties"] is JsonObject additionalNode ? Parse(additionalNode) : null;
        var anyOf = (raw["anyOf"] as JsonArray ?? []).OfType<JsonObject>().Select(Parse).ToList();
        var rules = (raw["x-kubernetes-validations"] as JsonArray ?? []).OfType<JsonObject>().Select(r => new ValidationRule(
            r["rule"]?.GetValue<string>() ?? "",
            r["message"]?.GetValue<string>(),
            r["messageExpression"]?.GetValue<string>(),
            r["fieldPath"]?.GetValue<string>(),
            r["reason"]?.GetValue<string>(),
            r["optionalOldSelf"]?.GetValue<bool>() ?? false)).ToList();
        var pattern = raw["pattern"]?.GetValue<string>();
        return new StructuralSchema(raw)
        {
            Type = raw["type"]?.GetValue<string>(),
            Properties = properties,
            Items = items,
            AdditionalProperties = additional,
            Required = (raw["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()).ToList(),
            Enum = raw["enum"] as JsonArray,
            PatternText = pattern,
            Pattern = pattern is null ? null : new Regex(pattern, RegexOptions.CultureInvariant, PatternTimeout),
            MinLength = JsonNumber.Long(raw["minLength"]),
            MaxLength = JsonNumber.Long(raw["maxLength"]),
            MinItems = JsonNumber.Long(raw["minItems"]),
            MaxItems = JsonNumber.Long(raw["maxItems"]),
            MinProperties = JsonNumber.Long(raw["minProperties"]),
            MaxProperties = JsonNumber.Long(raw["maxProperties"]),
            Minimum = Decimal(raw["minimum"]),
            Maximum = Decimal(raw["maximum"]),
            ExclusiveMinimum = raw["exclusiveMinimum"]?.GetValue<bool>() ?? false,
            ExclusiveMaximum = raw["exclusiveMaximum"]?.GetValue<bool>() ?? false,
            Nullable = raw["nullable"]?.GetValue<bool>() ?? false,
            PreserveUnknownFields = raw["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() ?? false,
            IntOrString = raw["x-kubernetes-int-or-string"]?.GetValue<bool>() ?? false,
            EmbeddedResource = raw["x-kubernetes-embedded-resource"]?.GetValue<bool>() ?? false,
            Default = raw["default"]?.DeepClone(),
            ListType = raw["x-kubernetes-list-type"]?.GetValue<string>() ?? "atomic",
            ListMapKeys = (raw["x-kubernetes-list-map-keys"] as JsonArray ?? []).Select(k => k!.GetValue<string>()).ToList(),
            AnyOf = anyOf,
            Rules = rules,
            HasRules = rules.Count > 0
                || properties.Any(p => p.Value.HasRules)
                || items?.HasRules == true
                || additional?.HasRules == true,
        };
    }

    public bool PatternMatches(string value)
    {
        try
        {
            return Pattern!.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static decimal? Decimal(JsonNode? node) =>
        node is JsonValue value && decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
}
