namespace Serverless.Runtime.Dotnet.Loading;

/// <summary>
/// Simple names of the assemblies the default load context resolves: the shared frameworks
/// (Microsoft.NETCore.App, Microsoft.AspNetCore.App) and the runtime's own dependencies.
/// </summary>
internal static class HostAssemblies
{
    private static readonly Lazy<IReadOnlySet<string>> NamesLazy = new(Read);

    public static IReadOnlySet<string> Names => NamesLazy.Value;

    private static HashSet<string> Read()
    {
        var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            names.Add(Path.GetFileNameWithoutExtension(path));
        }

        return names;
    }
}
