namespace Serverless.Cli.Watching;

/// <summary>Which changed paths count as an edit of the function. Pure.</summary>
internal static class WatchPaths
{
    /// <summary>Build outputs and tool state: changing them is not an edit, and a build writing bin/ and obj/ must not trigger itself.</summary>
    private static readonly HashSet<string> IgnoredDirectories = new(StringComparer.Ordinal)
    {
        "bin", "obj", ".git", "node_modules", "__pycache__", ".venv", ".idea", ".vscode",
    };

    /// <param name="relativePath">The path under the watched directory, '/' or the platform separator between segments.</param>
    public static bool IsRelevant(string relativePath)
    {
        var segments = relativePath.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return false;
        }

        if (segments[..^1].Any(IgnoredDirectories.Contains) || IgnoredDirectories.Contains(segments[^1]))
        {
            return false;
        }

        // Editors' temporary files: vim's swap and backup files, emacs' lock and autosave files.
        var file = segments[^1];
        return !(file.EndsWith(".swp", StringComparison.Ordinal)
            || file.EndsWith(".swx", StringComparison.Ordinal)
            || file.EndsWith('~')
            || file.StartsWith(".#", StringComparison.Ordinal)
            || (file.StartsWith('#') && file.EndsWith('#'))
            || file == "4913");
    }
}
