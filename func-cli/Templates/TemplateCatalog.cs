using System.Reflection;

namespace Serverless.Cli.Templates;

/// <summary>
/// The project templates embedded from <c>runtimes/{runtime}/templates/{kind}/</c>: resource names are
/// <c>templates/{runtime}/templates/{kind}/{relative path}</c>.
/// </summary>
internal static class TemplateCatalog
{
    public static readonly IReadOnlyList<string> Languages = ["csharp", "node", "python"];

    public static readonly IReadOnlyList<string> Kinds = ["http", "cloudevents"];

    /// <summary>The runtime directory of a <c>-l</c> language: C# functions run on the dotnet runtime.</summary>
    public static string RuntimeOf(string language) => language == "csharp" ? "dotnet" : language;

    /// <summary>The template's files, relative path ('/' separated) to content.</summary>
    public static IReadOnlyList<(string RelativePath, byte[] Content)> Files(string language, string kind)
    {
        var assembly = typeof(TemplateCatalog).Assembly;
        var prefix = $"templates/{RuntimeOf(language)}/templates/{kind}/";
        var files = new List<(string, byte[])>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files.Add((resource[prefix.Length..].Replace('\\', '/'), copy.ToArray()));
        }

        return files;
    }
}
