namespace Serverless.Cli.Build;

/// <summary>Lists the files of an artifact directory in a stable order.</summary>
internal static class ArtifactScanner
{
    /// <summary>Version control and bytecode caches: never part of what runs, and they churn.</summary>
    public static readonly IReadOnlySet<string> SourceExclusions = new HashSet<string>(StringComparer.Ordinal) { ".git", "__pycache__" };

    /// <summary>
    /// Every file under <paramref name="root"/>, hidden ones included, sorted ordinally by relative path.
    /// Directories named in <paramref name="excludedDirectories"/> are skipped at any depth. Symbolic
    /// links are listed, not followed, which also keeps a link cycle from recursing forever.
    /// </summary>
    public static IReadOnlyList<ArtifactEntry> Scan(string root, IReadOnlySet<string> excludedDirectories)
    {
        var entries = new List<ArtifactEntry>();
        Walk(new DirectoryInfo(root), "", excludedDirectories, entries);
        entries.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return entries;
    }

    private static void Walk(DirectoryInfo directory, string prefix, IReadOnlySet<string> excluded, List<ArtifactEntry> entries)
    {
        foreach (var item in directory.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }))
        {
            var relative = prefix + item.Name;
            if (item.LinkTarget is { } target)
            {
                entries.Add(new ArtifactEntry(relative, item.FullName, target));
            }
            else if (item is DirectoryInfo child)
            {
                if (!excluded.Contains(child.Name))
                {
                    Walk(child, relative + "/", excluded, entries);
                }
            }
            else
            {
                entries.Add(new ArtifactEntry(relative, item.FullName, null));
            }
        }
    }
}
