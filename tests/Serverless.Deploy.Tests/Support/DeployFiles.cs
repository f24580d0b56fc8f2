using Serverless.TestSupport;

namespace Serverless.Deploy.Tests.Support;

/// <summary>The manifests under <c>deploy/</c>, each parsed into its YAML documents as JSON.</summary>
internal static class DeployFiles
{
    public static string Root => Path.Combine(RepoPaths.Root, "deploy");

    public static string Install => Path.Combine(Root, "install.yaml");

    /// <summary>Every manifest file but the generated install.yaml and the kustomizations, relative to deploy/.</summary>
    public static IReadOnlyList<string> Parts { get; } = FindParts();

    /// <summary>Every document of every part (not install.yaml, which holds the same ones again).</summary>
    public static IReadOnlyList<ManifestDocument> Documents { get; } = Parts.SelectMany(Load).ToArray();

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    public static IReadOnlyList<ManifestDocument> Load(string relativePath) =>
        YamlToJson.LoadAll(Read(relativePath)).Select((node, i) => new ManifestDocument(relativePath, i, node)).ToArray();

    public static IEnumerable<ManifestDocument> OfKind(string kind) => Documents.Where(d => d.Kind == kind);

    private static string[] FindParts() =>
        Directory.EnumerateFiles(Root, "*.yaml", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Where(path => path != "install.yaml" && Path.GetFileName(path) != "kustomization.yaml")
            .Order(StringComparer.Ordinal)
            .ToArray();
}
