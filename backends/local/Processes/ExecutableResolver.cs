namespace Serverless.Backends.Local.Processes;

/// <summary>Finds an executable the way <c>execvp</c> would, so a missing runtime is reported before any start.</summary>
internal static class ExecutableResolver
{
    /// <summary>The full path, or null when <paramref name="executable"/> is not found.</summary>
    public static string? Resolve(string executable, string? searchPath)
    {
        if (executable.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutableFile(executable) ? Path.GetFullPath(executable) : null;
        }

        foreach (var dir in (searchPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, executable);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string path) =>
        File.Exists(path)
        && (OperatingSystem.IsWindows()
            || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
