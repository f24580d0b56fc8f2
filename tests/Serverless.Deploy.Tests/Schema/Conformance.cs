using System.Text.Json.Nodes;
using Serverless.Core.Validation;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>Runs one spec through both the CRD schema and core, and compares what they say.</summary>
internal static class Conformance
{
    public sealed record Outcome(
        JsonNode Resource, IReadOnlyList<ValidationError> Core, IReadOnlyList<ValidationError> ExpectedOfSchema, IReadOnlyList<SchemaError> Schema)
    {
        public override string ToString() =>
            $"core: [{string.Join("; ", Core)}]\nexpected of the schema: [{string.Join("; ", ExpectedOfSchema)}]\nschema: [{string.Join("; ", Schema)}]";
    }

    public static Outcome Run(string kind, string json)
    {
        var node = JsonNode.Parse(json)!;
        var core = CoreVerdict.Errors(kind, node);
        return new Outcome(node, core, SchemaGaps.ExpectedOfSchema(core, node), CrdSchemas.For(kind).Validate(node));
    }

    /// <summary>
    /// The schema refuses exactly when core does (minus the listed gaps), and where both refuse, the schema names
    /// every field core names, compared at the level of spec's fields (spec.scale, spec.env, …): the messages differ,
    /// the place must not.
    /// </summary>
    public static void AssertSameVerdict(string label, string kind, string json)
    {
        var outcome = Run(kind, json);
        Assert.True(
            outcome.ExpectedOfSchema.Count > 0 == outcome.Schema.Count > 0,
            $"{label}: the CRD schema {(outcome.Schema.Count > 0 ? "refuses" : "accepts")} what core {(outcome.ExpectedOfSchema.Count > 0 ? "refuses" : "accepts")}\n{outcome}");

        var schemaFields = outcome.Schema.Select(e => Area(e.Path)).ToHashSet(StringComparer.Ordinal);
        foreach (var error in outcome.ExpectedOfSchema.Where(e => e.Field != "<json>"))
        {
            // The same area, or an enclosing one (a missing spec explains a missing spec.runtime).
            var area = Area(error.Field);
            Assert.True(
                schemaFields.Any(f => f == area || area.StartsWith(f + ".", StringComparison.Ordinal)),
                $"{label}: core refuses {error.Field} but the schema only complains about [{string.Join(", ", schemaFields)}]\n{outcome}");
        }
    }

    /// <summary>"spec.scale.maxScale" -> "spec.scale", "spec.env[0].name" -> "spec.env", the root rule -> "metadata".</summary>
    private static string Area(string path)
    {
        if (path is "<root>" or "metadata.name")
        {
            return "metadata";
        }

        var segments = path.Split('.', '[');
        return segments.Length == 1 ? segments[0] : segments[0] + "." + segments[1];
    }
}
