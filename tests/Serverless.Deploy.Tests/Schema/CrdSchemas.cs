using System.Text.Json.Nodes;
using Serverless.Deploy.Tests.Support;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>The CRDs of deploy/crds and the structural schema of each kind's served version.</summary>
internal static class CrdSchemas
{
    public static IReadOnlyList<ManifestDocument> Crds { get; } =
        DeployFiles.Documents.Where(d => d.Kind == "CustomResourceDefinition").ToArray();

    public static ManifestDocument CrdOf(string kind) =>
        Assert.Single(Crds, d => (string?)d.Node["spec"]!["names"]!["kind"] == kind);

    public static JsonObject VersionOf(string kind) =>
        (JsonObject)Assert.Single((JsonArray)CrdOf(kind).Node["spec"]!["versions"]!, v => (string?)v!["name"] == "v1alpha1")!;

    public static JsonObject OpenApiSchemaOf(string kind) => (JsonObject)VersionOf(kind)["schema"]!["openAPIV3Schema"]!;

    public static StructuralSchema For(string kind) => new(OpenApiSchemaOf(kind));

    /// <summary>Every CEL rule text in the CRDs, with where it is.</summary>
    public static IEnumerable<(string Crd, string Rule)> AllRules() =>
        Crds.SelectMany(crd => Rules(crd.Node).Distinct().Select(rule => (crd.Name, rule)));

    private static IEnumerable<string> Rules(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(entry => entry.Key == "x-kubernetes-validations" && entry.Value is JsonArray rules
            ? rules.Select(r => (string)r!["rule"]!)
            : Rules(entry.Value)),
        JsonArray array => array.SelectMany(Rules),
        _ => [],
    };
}
