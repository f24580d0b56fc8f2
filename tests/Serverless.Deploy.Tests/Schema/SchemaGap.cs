using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Core.Validation;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>
/// A core rule the CRD schema does not carry, and why; matched against core's errors by field and message, and
/// where the schema carries part of the rule, by a condition on the offending value (the part it cannot carry).
/// </summary>
internal sealed record SchemaGap(string Field, string MessagePart, SchemaGapKind Kind, string Why, Func<JsonNode?, bool>? ValueCondition = null)
{
    public bool Covers(ValidationError error, JsonNode resource) =>
        Regex.IsMatch(error.Field, "^" + Field + @"\z", RegexOptions.CultureInvariant)
        && error.Message.Contains(MessagePart, StringComparison.Ordinal)
        && (ValueCondition is null || ValueCondition(At(resource, error.Field)));

    public override string ToString() => $"{Field} ({MessagePart}): {Kind}: {Why}";

    /// <summary>The value at a core field path such as <c>spec.env[0].value</c>, or null.</summary>
    private static JsonNode? At(JsonNode? node, string path)
    {
        foreach (Match segment in Regex.Matches(path, @"([^.\[\]]+)|\[(\d+)\]", RegexOptions.CultureInvariant))
        {
            node = segment.Groups[2].Success
                ? node is JsonArray array && int.Parse(segment.Groups[2].Value, CultureInfo.InvariantCulture) is var i && i < array.Count ? array[i] : null
                : node?[segment.Groups[1].Value];
        }

        return node;
    }
}
