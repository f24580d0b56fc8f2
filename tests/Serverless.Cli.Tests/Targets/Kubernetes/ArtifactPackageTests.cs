using System.Formats.Tar;
using System.IO.Compression;
using Serverless.Cli.App;
using Serverless.Cli.Build;
using Serverless.Cli.Targets.Kubernetes;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Targets.Kubernetes;

public sealed class ArtifactPackageTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 4)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(786_432, 1_048_576)]
    public void EncodedLength_Bytes_IsBase64Length(long bytes, long expected)
    {
        Assert.Equal(expected, ArtifactPackage.EncodedLength(bytes));
    }

    [Fact]
    public void Require_AtLimit_Passes()
    {
        ArtifactPackage.Require(ArtifactPackage.MaxEncodedBytes);
    }

    [Fact]
    public void Require_OverLimit_ErrorPointsToSpecImage()
    {
        var error = Assert.Throws<CliException>(() => ArtifactPackage.Require(ArtifactPackage.MaxEncodedBytes + 1));

        Assert.Contains("1024 KiB", error.Message, StringComparison.Ordinal);
        Assert.Contains("spec.image", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task CreateAsync_FilesAndLink_RoundTripThroughTar()
    {
        using var dir = new TempDirectory("kube-artifact");
        Directory.CreateDirectory(Path.Combine(dir.Path, "lib"));
        File.WriteAllText(Path.Combine(dir.Path, "index.js"), "module.exports = 1;");
        File.WriteAllText(Path.Combine(dir.Path, "lib", "run.sh"), "#!/bin/sh");
        File.SetUnixFileMode(Path.Combine(dir.Path, "lib", "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Path.Combine(dir.Path, "main.js"), "index.js");
        var entries = ArtifactScanner.Scan(dir.Path, ArtifactScanner.SourceExclusions);

        var package = await ArtifactPackage.CreateAsync(entries, CancellationToken.None);
        var again = await ArtifactPackage.CreateAsync(entries, CancellationToken.None);

        var read = new Dictionary<string, TarEntry>();
        await using (var tar = new TarReader(new GZipStream(new MemoryStream(package.Bytes), CompressionMode.Decompress)))
        {
            while (await tar.GetNextEntryAsync(copyData: true) is { } entry)
            {
                read[entry.Name] = entry;
            }
        }

        Assert.Equal(["index.js", "lib/run.sh", "main.js"], read.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("index.js", read["main.js"].LinkName);
        Assert.True((read["lib/run.sh"].Mode & UnixFileMode.UserExecute) != 0);
        Assert.Equal("module.exports = 1;", new StreamReader(read["index.js"].DataStream!).ReadToEnd());
        Assert.Equal(package.Bytes, again.Bytes);
    }

    [Fact]
    public void ConfigMapName_Digest_UsesFirstTenHex()
    {
        Assert.Equal("hello-0123456789", ArtifactConfigMap.NameFor("hello", "0123456789abcdef"));
    }
}
