using Serverless.Backends.Local.Sandbox;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Fills a sandboxed pool instance's staging directory with a function's artifact, from outside the sandbox. The
/// sandbox has that directory bound read-only at its own path since its start, so the files appear inside at once.
/// </summary>
/// <remarks>
/// Files are hard links (no data copied: a link costs a few microseconds, a 1,000-file artifact about 20 ms here),
/// copies where the kernel refuses a link (another file system; a file the platform's user may not link). A link or a
/// copy keeps the file's mode, and a link its owner and group too, so what the instance's uid can read is what it could
/// read in the artifact itself. Directories are made 0755: traversing them is the instance's, as it is in a sandbox
/// made for the function. Symbolic links are made again with the same target, which resolves inside the sandbox as it
/// would in a sandbox made for the function. Nothing is followed out of the artifact while staging.
/// </remarks>
internal static class ArtifactStaging
{
    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Creates an empty staging directory (a leftover of the same name is removed first).</summary>
    public static void Create(string staging)
    {
        Remove(staging);
        MakeDirectory(Path.GetDirectoryName(staging)!);
        MakeDirectory(staging);
    }

    /// <summary>Mirrors <paramref name="source"/> into the empty <paramref name="staging"/>; returns how many files were linked and copied.</summary>
    /// <exception cref="IOException">A file could neither be linked nor copied.</exception>
    public static (int Linked, int Copied) Fill(string source, string staging)
    {
        var linked = 0;
        var copied = 0;
        var pending = new Stack<(string From, string To)>();
        pending.Push((source, staging));
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false };
        while (pending.Count > 0)
        {
            var (from, to) = pending.Pop();
            foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos("*", options))
            {
                var target = Path.Combine(to, entry.Name);
                if (entry.LinkTarget is { } linkTarget)
                {
                    File.CreateSymbolicLink(target, linkTarget);
                }
                else if (entry is DirectoryInfo)
                {
                    MakeDirectory(target);
                    pending.Push((entry.FullName, target));
                }
                else if (NativeFiles.TryLink(entry.FullName, target, out _))
                {
                    linked++;
                }
                else
                {
                    File.Copy(entry.FullName, target);
                    copied++;
                }
            }
        }

        return (linked, copied);
    }

    /// <summary>Set explicitly: the mode a creation asks for passes through the platform's umask.</summary>
    private static void MakeDirectory(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, DirectoryMode);
        }
    }

    /// <summary>Removes a staging directory and what it holds (links only: the artifact's own files stay).</summary>
    public static void Remove(string staging)
    {
        try
        {
            Directory.Delete(staging, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never made, or removed already.
        }
    }
}
