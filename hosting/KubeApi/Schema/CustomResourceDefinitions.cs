using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Resources;

namespace Serverless.Hosting.KubeApi.Schema;

/// <summary>
/// The CRDs of <c>deploy/crds</c>, compiled into this assembly, so the double validates, defaults and prunes with
/// exactly what a cluster would install (no copy to keep in step).
/// </summary>
internal static class CustomResourceDefinitions
{
    private static readonly Lazy<IReadOnlyList<CustomResourceDefinition>> Loaded = new(Load);

    public static IReadOnlyList<CustomResourceDefinition> All => Loaded.Value;

    /// <summary>The definition serving <paramref name="type"/>'s group and plural, if one of deploy/crds does.</summary>
    public static CustomResourceDefinition? For(ResourceType type) =>
        All.FirstOrDefault(d => d.Type.Group == type.Group && d.Type.Plural == type.Plural && d.Type.Version == type.Version);

    public static CustomResourceDefinition Parse(JsonObject crd)
    {
        var spec = crd["spec"]!.AsObject();
        var names = spec["names"]!.AsObject();
        var version = spec["versions"]!.AsArray().OfType<JsonObject>().First(v => v["served"]?.GetValue<bool>() != false);
        var subresources = version["subresources"] as JsonObject;
        var scale = subresources?["scale"] is JsonObject s
            ? new ScaleMapping(s["specReplicasPath"]!.GetValue<string>(), s["statusReplicasPath"]!.GetValue<string>(), s["labelSelectorPath"]?.GetValue<string>())
            : null;
        var type = new ResourceType(
            spec["group"]!.GetValue<string>(),
            version["name"]!.GetValue<string>(),
            names["plural"]!.GetValue<string>(),
            names["kind"]!.GetValue<string>(),
            Namespaced: spec["scope"]?.GetValue<string>() != "Cluster",
            HasStatus: subresources?["status"] is not null,
            Scale: scale,
            AllowUnconditionalUpdate: false);
        var columns = (version["additionalPrinterColumns"] as JsonArray ?? []).OfType<JsonObject>().Select(c => new PrinterColumn(
            c["name"]!.GetValue<string>(),
            c["type"]!.GetValue<string>(),
            c["format"]?.GetValue<string>() ?? "",
            c["description"]?.GetValue<string>() ?? $"Custom resource definition column (in JSONPath format): {c["jsonPath"]!.GetValue<string>()}",
            JsonNumber.Int(c["priority"]) ?? 0,
            c["jsonPath"]!.GetValue<string>())).ToList();
        return new CustomResourceDefinition(
            type,
            names["singular"]?.GetValue<string>() ?? type.Kind.ToLowerInvariant(),
            Strings(names["shortNames"]),
            Strings(names["categories"]),
            columns,
            StructuralSchema.Parse(version["schema"]!["openAPIV3Schema"]!.AsObject()));
    }

    private static IReadOnlyList<CustomResourceDefinition> Load()
    {
        var assembly = typeof(CustomResourceDefinitions).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("crds/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return Parse(YamlToJson.Convert(reader.ReadToEnd())!.AsObject());
            })
            .ToList();
    }

    private static List<string> Strings(JsonNode? node) => (node as JsonArray ?? []).Select(n => n!.GetValue<string>()).ToList();
}
