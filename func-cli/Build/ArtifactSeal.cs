using Serverless.Cli.App;

namespace Serverless.Cli.Build;

/// <summary>
/// Makes an installed artifact read-only (<see cref="Seal"/>), checks one before it is reused (<see cref="Check"/>),
/// and removes one that failed the check (<see cref="Remove"/>).
/// </summary>
/// <remarks>
/// Modes alone do not stop root, or the owner, who can chmod: that is why <see cref="Check"/> also recomputes the
/// digest. Both together mean a reused directory holds exactly what was built, and stays that way for any process
/// that is neither.
/// </remarks>
internal static class ArtifactSeal
{
    /// <summary>Every file counts when checking an installed copy: a planted <c>__pycache__/*.pyc</c> would run too.</summary>
    private static readonly IReadOnlySet<string> NoExclusions = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The digest of what <paramref name="directory"/> holds, every file included.</summary>
    public static string DigestOf(string directory) => ContentDigest.Compute(ArtifactScanner.Scan(directory, NoExclusions));

    /// <summary>Gives every file and directory under <paramref name="directory"/>, and itself, its sealed mode; links have none.</summary>
    public static void Seal(string directory, ArtifactPermissions permissions)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var item in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", Enumeration))
        {
            if (item.LinkTarget is not null)
            {
                continue;
            }

            if (item is DirectoryInfo child)
            {
                Seal(child.FullName, permissions);
            }
            else
            {
                File.SetUnixFileMode(item.FullName, permissions.SealedFile(IsExecutable(File.GetUnixFileMode(item.FullName))));
            }
        }

        // Last, so the walk above never meets a directory it can no longer write (it needs none, but a reader may).
        File.SetUnixFileMode(directory, permissions.SealedDirectory);
    }

    /// <summary>Null when <paramref name="directory"/> is sealed and holds exactly <paramref name="digest"/>; otherwise what is wrong.</summary>
    public static string? Check(string directory, string digest, ArtifactPermissions permissions)
    {
        if (new DirectoryInfo(directory).LinkTarget is { } target)
        {
            return $"it is a symbolic link (to {target})";
        }

        try
        {
            if (!OperatingSystem.IsWindows() && UnsealedEntry(directory, "", permissions) is { } unsealed)
            {
                return unsealed;
            }

            return DigestOf(directory) == digest
                ? null
                : $"its content does not match digest {digest[..ArtifactStore.DigestPrefixLength]}: a file in it was changed, added or removed after it was installed";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "it cannot be read: " + ex.Message;
        }
    }

    /// <summary>Deletes <paramref name="path"/> (a sealed or tampered directory, or a link in its place), making its directories writable first.</summary>
    /// <exception cref="CliException">It cannot be removed, e.g. it belongs to another user.</exception>
    public static void Remove(string path)
    {
        try
        {
            var info = new DirectoryInfo(path);
            if (info.LinkTarget is not null || !info.Exists)
            {
                File.Delete(path);
                return;
            }

            if (!OperatingSystem.IsWindows())
            {
                MakeWritable(info);
            }

            info.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot remove {path}: {ex.Message}", "remove it by hand, as its owner, and deploy again", inner: ex);
        }
    }

    private static EnumerationOptions Enumeration => new() { AttributesToSkip = 0, IgnoreInaccessible = false };

    private static bool IsExecutable(UnixFileMode mode) => (mode & UnixFileMode.UserExecute) != 0;

    /// <summary>The first entry whose mode is not the sealed one, described; null when all are sealed.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string? UnsealedEntry(string directory, string relative, ArtifactPermissions permissions)
    {
        // The setgid bit on directories is the platform's (ArtifactRoot regroups the tree with it), not a fault.
        var mode = File.GetUnixFileMode(directory) & ~UnixFileMode.SetGroup;
        if (mode != permissions.SealedDirectory)
        {
            return Describe(relative.Length == 0 ? "the directory" : relative + "/", mode, permissions.SealedDirectory);
        }

        foreach (var item in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", Enumeration))
        {
            var path = relative + item.Name;
            if (item.LinkTarget is not null)
            {
                continue;
            }

            if (item is DirectoryInfo child)
            {
                if (UnsealedEntry(child.FullName, path + "/", permissions) is { } problem)
                {
                    return problem;
                }

                continue;
            }

            var fileMode = File.GetUnixFileMode(item.FullName);
            var expected = permissions.SealedFile(IsExecutable(fileMode));
            if (fileMode != expected)
            {
                return Describe(path, fileMode, expected);
            }
        }

        return null;
    }

    private static string Describe(string what, UnixFileMode actual, UnixFileMode expected) =>
        $"{what} has mode {Octal(actual)}, not the sealed {Octal(expected)} (changed after it was installed, or installed before artifacts were sealed)";

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void MakeWritable(DirectoryInfo directory)
    {
        File.SetUnixFileMode(directory.FullName, File.GetUnixFileMode(directory.FullName) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var child in directory.EnumerateDirectories("*", Enumeration))
        {
            if (child.LinkTarget is null)
            {
                MakeWritable(child);
            }
        }
    }
}
