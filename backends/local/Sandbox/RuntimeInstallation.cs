namespace Serverless.Backends.Local.Sandbox;

/// <summary>
/// A runtime as an instance starts it: the real executable (every symlink and version-manager shim resolved) and
/// the paths it needs to see, read-only, inside the sandbox.
/// </summary>
/// <param name="Executable">What is executed: a real binary, so no shim's own files need to be visible.</param>
/// <param name="ReadOnlyPaths">Its installation prefix (unless under a system directory) and its script's folder.</param>
internal sealed record RuntimeInstallation(string Executable, IReadOnlyList<string> ReadOnlyPaths)
{
    /// <summary>
    /// Where an executable's installation lives: <c>{prefix}/bin/python3.11</c> → <c>{prefix}</c> (the standard library
    /// is in <c>{prefix}/lib</c>), otherwise its own folder (<c>/usr/share/dotnet/dotnet</c> → <c>/usr/share/dotnet</c>,
    /// where the shared frameworks are).
    /// </summary>
    public static string InstallPrefix(string realExecutable)
    {
        var folder = Path.GetDirectoryName(realExecutable) ?? "/";
        return Path.GetFileName(folder) == "bin" ? Path.GetDirectoryName(folder) ?? "/" : folder;
    }

    /// <summary>
    /// The paths to bind for a runtime: its prefix, unless a system mount already shows it, then the folder of each
    /// absolute path argument (<c>{runtimes}/python/runtime.py</c> → <c>{runtimes}/python</c>), deduplicated, with
    /// any path inside another dropped.
    /// </summary>
    /// <param name="isDirectory">Whether an argument names a directory (bound itself) rather than a file.</param>
    public static IReadOnlyList<string> PathsToBind(
        string realExecutable, IEnumerable<string> arguments, IEnumerable<string> systemPaths, Func<string, bool?> isDirectory)
    {
        var candidates = new List<string> { InstallPrefix(realExecutable) };
        foreach (var argument in arguments)
        {
            if (Path.IsPathFullyQualified(argument) && isDirectory(argument) is { } directory)
            {
                candidates.Add(directory ? argument : Path.GetDirectoryName(argument) ?? "/");
            }
        }

        var system = systemPaths.ToList();
        var unique = candidates.Select(p => p.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/").Distinct(StringComparer.Ordinal).ToList();
        return unique
            .Where(p => !system.Any(s => SandboxPaths.Contains(s, p)))
            .Where(p => !unique.Any(other => other != p && SandboxPaths.Contains(other, p)))
            .ToList();
    }
}
