using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.Cli.Build;

/// <summary>
/// SHA-256 of an artifact: for each entry in order, a kind byte, the relative path, a 0 byte, the
/// content length and the content (a link's target text for a link). The length prefix keeps
/// ("a", "bc") and ("ab", "c") apart; the path makes a rename a change. Timestamps and permissions
/// are not hashed, so the same sources built twice give the same digest.
/// </summary>
internal static class ContentDigest
{
    public static string Compute(IReadOnlyList<ArtifactEntry> entries)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        var buffer = new byte[81920];
        foreach (var entry in entries)
        {
            hash.AppendData(entry.IsLink ? "L"u8 : "F"u8);
            hash.AppendData(Encoding.UTF8.GetBytes(entry.RelativePath));
            hash.AppendData([0]);
            if (entry.LinkTarget is { } target)
            {
                var bytes = Encoding.UTF8.GetBytes(target);
                BinaryPrimitives.WriteInt64LittleEndian(length, bytes.Length);
                hash.AppendData(length);
                hash.AppendData(bytes);
                continue;
            }

            using var stream = new FileStream(entry.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
            BinaryPrimitives.WriteInt64LittleEndian(length, stream.Length);
            hash.AppendData(length);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer.AsSpan(0, read));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
