using System.Formats.Tar;
using System.IO.Compression;

namespace Serverless.Runtime.Dotnet.Specialization;

/// <summary>
/// Unpacks a specialization's <c>artifact</c> (a .tar.gz, as a Kubernetes artifact ConfigMap holds it) into the pool
/// pod's empty <c>functionPath</c>: regular files and directories only, every one inside the directory (no absolute
/// path, no <c>..</c> out, no link, no device), as an untrusted archive needs.
/// </summary>
internal static class ArtifactUnpacker
{
    /// <summary>Null when unpacked, else why not.</summary>
    public static string? Unpack(byte[] artifact, string directory)
    {
        if (!Directory.Exists(directory))
        {
            return $"functionPath {directory} is not a directory to unpack the artifact into";
        }

        if (Directory.EnumerateFileSystemEntries(directory).Any())
        {
            return $"functionPath {directory} is not empty: an artifact is unpacked into an empty directory only";
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        try
        {
            using var gzip = new GZipStream(new MemoryStream(artifact, writable: false), CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
                {
                    continue;
                }

                var target = Path.GetFullPath(Path.Combine(root, entry.Name));
                if (Path.IsPathRooted(entry.Name) || !(target == root || target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                {
                    return $"the artifact cannot be unpacked: {entry.Name} is outside the function's directory";
                }

                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        entry.ExtractToFile(target, overwrite: false);
                        break;
                    default:
                        return $"the artifact cannot be unpacked: {entry.Name} is a {entry.EntryType}, not a file or a directory";
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or UnauthorizedAccessException)
        {
            return "the artifact cannot be unpacked: " + e.Message;
        }

        return null;
    }
}
