namespace Serverless.Cli.Build;

/// <summary>Lists the files of an artifact directory in a stable order.</summary>
internal static class ArtifactScanner
{
    /// <summary>Version control and bytecode caches: never part of what runs, and they churn.</summary>
    public static readonly IReadOnlySet<string> SourceExclusions = new HashSet<string>(StringComparer.Ordinal) { ".git", "__pycache__" };

    /// <summary>
    /// Files at the root of a function's directory that describe it to <c>func</c> and to people but that no instance
    /// reads: left out of the artifact, so that a scale-only edit of func.yaml or a README edit keeps the digest (on
    /// Kubernetes, the same ConfigMap and no rollout).
    /// </summary>
    public static readonly IReadOnlySet<string> ProjectFiles = new HashSet<string>(StringComparer.Ordinal) { "func.yaml", "README.md" };

    /// <summary>
    /// Every file under <paramref name="root"/>, hidden ones included, sorted ordinally by relative path.
    /// Directories named in <paramref name="excludedDirectories"/> are skipped at any depth. Symbolic
    /// links are listed, not followed, which also keeps a link cycle from recursing forever. Files named in
    /// <paramref name="excludedRootFiles"/> are skipped at the root only.
    /// </summary>
    public static IReadOnlyList<ArtifactEntry> Scan(string root, IReadOnlySet<string> excludedDirectories, IReadOnlySet<string>? excludedRootFiles = null)
    {
        var entries = new List<ArtifactEntry>();
        Walk(new DirectoryInfo(root), "", excludedDirectories, entries);
        if (excludedRootFiles is not null)
        {
            entries.RemoveAll(e => excludedRootFiles.Contains(e.RelativePath));
        }

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
