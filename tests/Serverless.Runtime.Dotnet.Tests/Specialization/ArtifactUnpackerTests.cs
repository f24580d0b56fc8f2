using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Serverless.Runtime.Dotnet.Specialization;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Specialization;

/// <summary>An artifact is untrusted: only files and directories, all inside the function's directory.</summary>
public sealed class ArtifactUnpackerTests
{
    [Fact]
    public void Unpack_Table()
    {
        var cases = new (string Name, TarEntry[] Entries, string? Error, string? Expected)[]
        {
            ("files and directories", [Dir("lib"), File("lib/a.txt", "a"), File("b.txt", "b")], null, "lib/a.txt"),
            ("./ prefixes", [Dir("./"), File("./c.txt", "c")], null, "c.txt"),
            ("an absolute path", [File("/etc/evil", "x")], "is outside the function's directory", null),
            ("a way out", [File("../evil", "x")], "is outside the function's directory", null),
            ("a symbolic link", [new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "/etc/passwd" }], "is a SymbolicLink, not a file or a directory", null),
            ("a hard link", [new PaxTarEntry(TarEntryType.HardLink, "hard") { LinkName = "b.txt" }], "is a HardLink", null),
            ("a device", [new PaxTarEntry(TarEntryType.CharacterDevice, "dev")], "is a CharacterDevice", null),
        };
        foreach (var (name, entries, error, expected) in cases)
        {
            using var dir = new TempDirectory("unpack");
            var result = ArtifactUnpacker.Unpack(Pack(entries), dir.Path);
            if (error is null)
            {
                Assert.True(result is null, $"{name}: {result}");
                Assert.True(System.IO.File.Exists(Path.Combine(dir.Path, expected!)), name);
            }
            else
            {
                Assert.True(result?.Contains(error, StringComparison.Ordinal) == true, $"{name}: {result}");
            }
        }
    }

    [Fact]
    public void Unpack_NotEmptyNotADirectoryNotGzip_Refused()
    {
        using var dir = new TempDirectory("unpack");
        System.IO.File.WriteAllText(Path.Combine(dir.Path, "there"), "x");

        Assert.Contains("is not empty", ArtifactUnpacker.Unpack(Pack([File("a", "a")]), dir.Path), StringComparison.Ordinal);
        Assert.Contains("is not a directory", ArtifactUnpacker.Unpack(Pack([File("a", "a")]), Path.Combine(dir.Path, "missing")), StringComparison.Ordinal);
        using var empty = new TempDirectory("unpack");
        Assert.StartsWith("the artifact cannot be unpacked: ", ArtifactUnpacker.Unpack([1, 2, 3], empty.Path), StringComparison.Ordinal);
    }

    private static PaxTarEntry Dir(string name) => new(TarEntryType.Directory, name);

    private static PaxTarEntry File(string name, string content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };

    private static byte[] Pack(TarEntry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                tar.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }
}
