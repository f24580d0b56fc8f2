using System.Text.Json.Nodes;
using Serverless.Core.Validation;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>
/// Every core rule the CRD schemas do not express, listed explicitly. The conformance tests expect the schema to
/// accept a spec whose only core errors are covered here, so an entry that stops being true (the schema learned
/// the rule) fails a test and must be removed. The schema is deliberately stricter than core in one place,
/// to bound the cost of a CEL rule (the API server refuses CRDs whose rules could run too long):
/// <c>spec.env[*].name</c> is at most 256 characters.
/// Two more differences have no table row because no realistic spec reaches them: a duration whose digits are not
/// all 0 but which is below 100 ns (PT0.00000001S) is zero ticks to core but positive to the schema, and a
/// duration beyond TimeSpan.MaxValue (P999999999999999999W, about 29,000 years) is refused by core only.
/// </summary>
internal static class SchemaGaps
{
    public static IReadOnlyList<SchemaGap> All { get; } =
    [
        new("apiVersion", "", SchemaGapKind.ApiServer, "the API server routes a body by its apiVersion and kind; a wrong one never reaches this CRD"),
        new("kind", "", SchemaGapKind.ApiServer, "as apiVersion"),
        new(@"metadata\.namespace", "", SchemaGapKind.ApiServer, "namespaces are DNS-1123 labels that must exist; the API server checks both"),
        new(@"metadata\.labels.*", "", SchemaGapKind.ApiServer, "ObjectMeta validation: the same key and value syntax core checks"),
        new(@"metadata\.annotations", "", SchemaGapKind.ApiServer, "ObjectMeta validation: key syntax and the 256 KiB total"),
        new(@"spec\.env\[\d+\]\.value", "bytes", SchemaGapKind.CoreOnly,
            "core limits a value to 32 KiB of UTF-8; a schema counts characters, so it caps at 32768 characters and multi-byte text between the two limits passes",
            value => value is not null && JsonValues.Length((string)value!) <= 32_768),
        new(@"spec\.(filter\.attributes|filters\[\d+\]\.(exact|prefix|suffix))", "a CloudEvents attribute name", SchemaGapKind.CoreOnly,
            "structural schemas have no propertyNames, and a CEL rule over map keys is priced as if each key were as long as a whole request: it exceeds the API server's cost budget"),
        new(@"spec\.filters\[\d+\](\.(all|any)\[\d+\]|\.not)([.\[].*)?", "", SchemaGapKind.CoreOnly,
            "a structural schema cannot recurse: filters nested in all, any and not are kept as they are (x-kubernetes-preserve-unknown-fields), as in Knative's CRD; only a null entry is refused",
            value => value is not null),
        new(@"spec\.delivery\.timeout", "must be at most 60 minutes", SchemaGapKind.CoreOnly,
            "comparing an ISO-8601 duration with PT1H needs arithmetic on its components; CEL's duration() reads Go durations, not ISO-8601"),
    ];

    /// <summary>Core's errors that the schema is expected to report too (those no gap covers).</summary>
    public static IReadOnlyList<ValidationError> ExpectedOfSchema(IReadOnlyList<ValidationError> coreErrors, JsonNode resource) =>
        coreErrors.Where(e => !All.Any(gap => gap.Covers(e, resource))).ToArray();
}
