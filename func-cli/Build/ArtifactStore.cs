using System.Security.Cryptography;
using Serverless.Cli.App;

namespace Serverless.Cli.Build;

/// <summary>
/// Content-addressed artifact directories under <c>{home}/artifacts/{ns}/{name}/{digest[..16]}</c>, immutable once
/// installed. A directory there is complete or absent: it is filled under a temporary name, checked against the
/// digest, sealed read-only (<see cref="ArtifactPermissions"/>) and renamed into place, so a runtime never loads a
/// half-copied artifact. Before an existing one is reused it is checked again, content and modes; one that fails is
/// removed, never served, and the artifact is installed afresh.
/// </summary>
internal sealed class ArtifactStore
{
    /// <summary>64 bits of SHA-256: collisions among one function's artifacts are not a practical concern.</summary>
    public const int DigestPrefixLength = 16;

    private readonly string _root;

    public ArtifactStore(string home)
    {
        _root = Path.Combine(home, "artifacts");
    }

    /// <remarks><paramref name="namespace"/> and <paramref name="name"/> must be validated DNS labels: they become path segments.</remarks>
    public string PathFor(string @namespace, string name, string digest) =>
        Path.Combine(_root, @namespace, name, digest[..DigestPrefixLength]);

    /// <summary>Reuses a verified copy of that digest, or copies the entries into the store.</summary>
    /// <exception cref="CliException">A failed copy cannot be removed, or the sources changed while they were copied.</exception>
    public ArtifactInstall Install(string @namespace, string name, string digest, IReadOnlyList<ArtifactEntry> entries)
    {
        var permissions = ArtifactPermissions.For(_root);
        var target = PathFor(@namespace, name, digest);
        var parent = Path.GetDirectoryName(target)!;
        string? replaced = null;
        foreach (var existing in Existing(parent, Path.GetFileName(target)))
        {
            if (ArtifactSeal.Check(existing, digest, permissions) is not { } problem)
            {
                return new ArtifactInstall(existing, false, replaced);
            }

            ArtifactSeal.Remove(existing);
            replaced ??= $"{existing} was removed: {problem}";
        }

        if (replaced is not null)
        {
            // A new name changes the Function's spec.source.path, so its instances, which may have loaded the
            // tampered files, are replaced by a rollout instead of serving on.
            target += "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        }

        CreateParent(parent, permissions);
        var staging = Path.Combine(parent, ".tmp-" + digest[..DigestPrefixLength] + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            CopyEntries(entries, staging);

            // The digest was computed from the sources before the copy; a file saved in between must not be
            // installed under a digest it does not have.
            if (ArtifactSeal.DigestOf(staging) != digest)
            {
                throw new CliException($"the files of {@namespace}/{name} changed while they were being installed", "deploy again");
            }

            ArtifactSeal.Seal(staging, permissions);
            Directory.Move(staging, target);
            return new ArtifactInstall(target, true, replaced);
        }
        catch (IOException) when (Directory.Exists(target))
        {
            // A concurrent deploy of the same content renamed its copy first; theirs is identical and checked.
            RemoveIfExists(staging);
            return new ArtifactInstall(target, false, replaced);
        }
        catch
        {
            RemoveIfExists(staging);
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

    /// <summary>
    /// The installed copies of one digest: <c>{digest[..16]}</c>, then any <c>{digest[..16]}-{suffix}</c> that
    /// replaced a tampered one. Whatever has such a name counts, a link or a file too, so that it is checked and
    /// removed rather than followed or left in the way.
    /// </summary>
    private static List<string> Existing(string parent, string name)
    {
        if (!Directory.Exists(parent))
        {
            return [];
        }

        var exact = Path.Combine(parent, name);
        var found = Path.Exists(exact) || new FileInfo(exact).LinkTarget is not null ? new List<string> { exact } : [];
        found.AddRange(Directory.EnumerateFileSystemEntries(parent, name + "-*").Order(StringComparer.Ordinal));
        return found;
    }

    private static void CreateParent(string parent, ArtifactPermissions permissions)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(parent);
            return;
        }

        Directory.CreateDirectory(parent, permissions.ParentDirectory);
    }

    private static void RemoveIfExists(string directory)
    {
        if (Directory.Exists(directory))
        {
            ArtifactSeal.Remove(directory);
        }
    }
}
