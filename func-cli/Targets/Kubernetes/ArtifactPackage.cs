using System.Formats.Tar;
using System.IO.Compression;
using Serverless.Cli.App;
using Serverless.Cli.Build;

namespace Serverless.Cli.Targets.Kubernetes;

/// <summary>
/// A function artifact as the cluster stores it: a gzip tar of the artifact directory, carried in an
/// immutable ConfigMap's <c>binaryData</c> (base64, so 4/3 of the bytes) and unpacked by the pod's init container.
/// </summary>
internal sealed class ArtifactPackage
{
    /// <summary>What a ConfigMap can hold: the API server refuses objects over 1 MiB.</summary>
    public const int MaxEncodedBytes = 1024 * 1024;

    public const string DataKey = "function.tar.gz";

    // A fixed timestamp: the same files pack to the same bytes whenever they were built.
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    private ArtifactPackage(byte[] bytes)
    {
        Bytes = bytes;
    }

    public byte[] Bytes { get; }

    /// <summary>Size once base64-encoded into <c>binaryData</c>.</summary>
    public long EncodedSize => EncodedLength(Bytes.Length);

    public static long EncodedLength(long bytes) => (bytes + 2) / 3 * 4;

    /// <exception cref="CliException">The encoded artifact does not fit in a ConfigMap.</exception>
    public static async Task<ArtifactPackage> CreateAsync(IReadOnlyList<ArtifactEntry> entries, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        await using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                await tar.WriteEntryAsync(await EntryAsync(entry, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
        }

        var package = new ArtifactPackage(output.ToArray());
        Require(package.EncodedSize);
        return package;
    }

    /// <exception cref="CliException">Over <see cref="MaxEncodedBytes"/>: the message says to build an image and set spec.image.</exception>
    public static void Require(long encodedSize)
    {
        if (encodedSize > MaxEncodedBytes)
        {
            throw new CliException(
                $"the function artifact is {encodedSize / 1024} KiB once encoded, over the {MaxEncodedBytes / 1024} KiB a ConfigMap can hold",
                "build a container image holding the function and set spec.image in func.yaml (the image then replaces the uploaded code)");
        }
    }

    private static async Task<PaxTarEntry> EntryAsync(ArtifactEntry entry, CancellationToken cancellationToken)
    {
        if (entry.LinkTarget is { } target)
        {
            return new PaxTarEntry(TarEntryType.SymbolicLink, entry.RelativePath) { LinkName = target, ModificationTime = Epoch };
        }

        var data = new MemoryStream();
        await using (var file = new FileStream(entry.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
        {
            await file.CopyToAsync(data, cancellationToken).ConfigureAwait(false);
        }

        data.Position = 0;
        var executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(entry.FullPath) & UnixFileMode.UserExecute) != 0;
        return new PaxTarEntry(TarEntryType.RegularFile, entry.RelativePath)
        {
            DataStream = data,
            ModificationTime = Epoch,
            Mode = executable
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        };
    }
}
