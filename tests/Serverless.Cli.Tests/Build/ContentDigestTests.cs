using Serverless.Cli.Build;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Build;

public sealed class ContentDigestTests
{
    [Fact]
    public void Compute_SameContentInAnotherDirectory_SameDigest()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        ArtifactFiles.Write(a.Path, ("index.js", "module.exports = 1"), ("lib/x.js", "x"));

        // Written in the other order, with other timestamps: neither is part of the content.
        ArtifactFiles.Write(b.Path, ("lib/x.js", "x"), ("index.js", "module.exports = 1"));
        File.SetLastWriteTimeUtc(Path.Combine(b.Path, "index.js"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(Digest(a.Path), Digest(b.Path));
        Assert.Matches("^[0-9a-f]{64}$", Digest(a.Path));
    }

    [Theory]
    [InlineData("content changed", "index.js", "module.exports = 2")]
    [InlineData("file renamed", "main.js", "module.exports = 1")]
    [InlineData("file added", "extra.txt", "")]
    public void Compute_AnyChange_ChangesDigest(string label, string path, string content)
    {
        using var original = new TempDirectory();
        using var changed = new TempDirectory();
        ArtifactFiles.Write(original.Path, ("index.js", "module.exports = 1"));
        ArtifactFiles.Write(changed.Path, (path, content));
        if (label == "file added")
        {
            ArtifactFiles.Write(changed.Path, ("index.js", "module.exports = 1"));
        }

        Assert.NotEqual(Digest(original.Path), Digest(changed.Path));
    }

    [Fact]
    public void Compute_BytesMovedAcrossAFileBoundary_ChangesDigest()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        ArtifactFiles.Write(a.Path, ("a", "xy"), ("b", "z"));
        ArtifactFiles.Write(b.Path, ("a", "x"), ("b", "yz"));

        Assert.NotEqual(Digest(a.Path), Digest(b.Path));
    }

    [Fact]
    public void Compute_SymlinkTargetChanged_ChangesDigest()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        ArtifactFiles.Write(a.Path, ("one.js", "1"), ("two.js", "2"));
        ArtifactFiles.Write(b.Path, ("one.js", "1"), ("two.js", "2"));
        File.CreateSymbolicLink(Path.Combine(a.Path, "link.js"), "one.js");
        File.CreateSymbolicLink(Path.Combine(b.Path, "link.js"), "two.js");

        Assert.NotEqual(Digest(a.Path), Digest(b.Path));
    }

    private static string Digest(string root) => ContentDigest.Compute(ArtifactScanner.Scan(root, ArtifactScanner.SourceExclusions));
}
