namespace Serverless.Cli.Build;

/// <summary>
/// Content-addressed artifact directories under <c>{home}/artifacts/{ns}/{name}/{digest[..16]}</c>.
/// A directory there is complete or absent: it is filled under a temporary name and renamed into
/// place, so a runtime never loads a half-copied artifact, and an existing one is reused as is.
/// </summary>
internal sealed class ArtifactStore
{
    /// <summary>64 bits of SHA-256: collisions among one function's artifacts are not a practical concern.</summary>
    public const int DigestPrefixLength = 16;

    private readonly string root;

    public ArtifactStore(string home)
    {
        root = Path.Combine(home, "artifacts");
    }

    /// <remarks><paramref name="namespace"/> and <paramref name="name"/> must be validated DNS labels: they become path segments.</remarks>
    public string PathFor(string @namespace, string name, string digest) =>
        Path.Combine(root, @namespace, name, digest[..DigestPrefixLength]);

    /// <summary>Copies the entries into the store unless that digest is already there; returns the directory and whether it copied.</summary>
    public (string Path, bool Copied) Install(string @namespace, string name, string digest, IReadOnlyList<ArtifactEntry> entries)
    {
        var target = PathFor(@namespace, name, digest);
        if (Directory.Exists(target))
        {
            return (target, false);
        }

        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, ".tmp-" + digest[..DigestPrefixLength] + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            CopyEntries(entries, staging);
            Directory.Move(staging, target);
            return (target, true);
        }
        catch (IOException) when (Directory.Exists(target))
        {
            // A concurrent deploy of the same content renamed its copy first; theirs is identical.
            DeleteIfExists(staging);
            return (target, false);
        }
        catch
        {
            DeleteIfExists(staging);
            throw;
        }
    }

    /// <summary>Copies the entries into <paramref name="destination"/> (created), symbolic links as links.</summary>
    public static void CopyEntries(IReadOnlyList<ArtifactEntry> entries, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var entry in entries)
        {
            var to = Path.Combine(destination, entry.RelativePath.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (entry.LinkTarget is { } target)
            {
                File.CreateSymbolicLink(to, target);
            }
            else
            {
                // File.Copy keeps the Unix mode, so executables stay executable.
                File.Copy(entry.FullPath, to);
            }
        }
    }

    private static void DeleteIfExists(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
