using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Deploy.Tests.Support;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>The CRDs of deploy/crds and the structural schema of each kind's served version.</summary>
internal static partial class CrdSchemas
{
    public static IReadOnlyList<ManifestDocument> Crds { get; } =
        DeployFiles.Documents.Where(d => d.Kind == "CustomResourceDefinition").ToArray();

    public static ManifestDocument CrdOf(string kind) =>
        Assert.Single(Crds, d => (string?)d.Node["spec"]!["names"]!["kind"] == kind);

    public static JsonObject VersionOf(string kind) =>
        (JsonObject)Assert.Single((JsonArray)CrdOf(kind).Node["spec"]!["versions"]!, v => (string?)v!["name"] == "v1alpha1")!;

    public static JsonObject OpenApiSchemaOf(string kind) => (JsonObject)VersionOf(kind)["schema"]!["openAPIV3Schema"]!;

    public static StructuralSchema For(string kind) => new(OpenApiSchemaOf(kind));

    /// <summary>
    /// Every CEL rule of every CRD (by kind) with its location: the path of the schema node that holds it, written as
    /// <c>.spec.env[*]</c> (list items) and <c>.spec.resources.requests{*}</c> (map values); "" is the root.
    /// </summary>
    public static IEnumerable<(string Kind, string Location, string Rule)> AllRules() =>
        Crds.Select(crd => (string)crd.Node["spec"]!["names"]!["kind"]!)
            .SelectMany(kind => RuleSites(OpenApiSchemaOf(kind), "").Select(site => (kind, site.Location, site.Rule)));

    /// <summary>The schema node at a location of <see cref="AllRules"/>.</summary>
    public static JsonObject SchemaAt(string kind, string location)
    {
        var node = OpenApiSchemaOf(kind);
        foreach (var step in LocationSteps().Matches(location).Select(m => m.Value))
        {
            node = step switch
            {
                "[*]" => (JsonObject)node["items"]!,
                "{*}" => (JsonObject)node["additionalProperties"]!,
                _ => (JsonObject)node["properties"]![step[1..]]!,
            };
        }

        return node;
    }

    private static IEnumerable<(string Location, string Rule)> RuleSites(JsonObject schema, string location)
    {
        foreach (var rule in schema["x-kubernetes-validations"] as JsonArray ?? [])
        {
            yield return (location, (string)rule!["rule"]!);
        }

        var children = (schema["properties"] as JsonObject ?? []).Select(p => (location + "." + p.Key, p.Value))
            .Append((location + "[*]", schema["items"]))
            .Append((location + "{*}", schema["additionalProperties"]));
        foreach (var (childLocation, child) in children)
        {
            if (child is JsonObject childSchema)
            {
                foreach (var site in RuleSites(childSchema, childLocation))
                {
                    yield return site;
                }
            }
        }
    }

    [GeneratedRegex(@"\.[^.\[{]+|\[\*\]|\{\*\}")]
    private static partial Regex LocationSteps();
}
