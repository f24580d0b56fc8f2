using Serverless.Cli.Build;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Build;

public sealed class ArtifactStoreTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Install_NewDigest_CopiesEverythingIntoTheDigestDirectory()
    {
        using var source = new TempDirectory();
        using var home = new TempDirectory();
        ArtifactFiles.Write(source.Path, ("index.js", "hi"), ("node_modules/dep/cli.js", "cli"));
        File.CreateSymbolicLink(Path.Combine(source.Path, "node_modules", "cli"), "dep/cli.js");
        var script = Path.Combine(source.Path, "run.sh");
        File.WriteAllText(script, "#!/bin/sh\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var entries = ArtifactScanner.Scan(source.Path, ArtifactScanner.SourceExclusions);
        var digest = ContentDigest.Compute(entries);

        var (path, copied) = new ArtifactStore(home.Path).Install("default", "hello", digest, entries);

        Assert.True(copied);
        Assert.Equal(Path.Combine(home.Path, "artifacts", "default", "hello", digest[..16]), path);
        Assert.Equal(digest, ContentDigest.Compute(ArtifactScanner.Scan(path, ArtifactScanner.SourceExclusions)));
        Assert.Equal("dep/cli.js", new FileInfo(Path.Combine(path, "node_modules", "cli")).LinkTarget);
        Assert.True(File.GetUnixFileMode(Path.Combine(path, "run.sh")).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal(["hello"], Directory.GetFileSystemEntries(Path.Combine(home.Path, "artifacts", "default")).Select(Path.GetFileName));
        Assert.Single(Directory.GetFileSystemEntries(Path.Combine(home.Path, "artifacts", "default", "hello")));
    }

    [Fact]
    public void Install_SameDigestTwice_ReusesTheDirectoryWithoutCopying()
    {
        using var source = new TempDirectory();
        using var home = new TempDirectory();
        ArtifactFiles.Write(source.Path, ("index.js", "hi"));
        var entries = ArtifactScanner.Scan(source.Path, ArtifactScanner.SourceExclusions);
        var digest = ContentDigest.Compute(entries);
        var store = new ArtifactStore(home.Path);
        var (first, _) = store.Install("default", "hello", digest, entries);
        var marker = File.GetLastWriteTimeUtc(Path.Combine(first, "index.js"));

        var (second, copied) = store.Install("default", "hello", digest, entries);

        Assert.False(copied);
        Assert.Equal(first, second);
        Assert.Equal(marker, File.GetLastWriteTimeUtc(Path.Combine(second, "index.js")));
    }

    [Fact]
    public void Install_CopyFailsHalfway_LeavesNoDigestDirectoryAndNoStaging()
    {
        using var source = new TempDirectory();
        using var home = new TempDirectory();
        ArtifactFiles.Write(source.Path, ("a.js", "a"), ("b.js", "b"));
        var entries = ArtifactScanner.Scan(source.Path, ArtifactScanner.SourceExclusions);
        var digest = ContentDigest.Compute(entries);
        File.Delete(Path.Combine(source.Path, "b.js"));
        var store = new ArtifactStore(home.Path);

        Assert.Throws<FileNotFoundException>(() => store.Install("default", "hello", digest, entries));

        Assert.False(Directory.Exists(store.PathFor("default", "hello", digest)));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(home.Path, "artifacts", "default", "hello")));
    }

    [Fact]
    public void Install_ConcurrentInstallsOfOneDigest_AllGetTheSameCompleteDirectory()
    {
        using var source = new TempDirectory();
        using var home = new TempDirectory();
        ArtifactFiles.Write(source.Path, [.. Enumerable.Range(0, 50).Select(i => ($"f{i}.js", new string('x', 1000 + i)))]);
        var entries = ArtifactScanner.Scan(source.Path, ArtifactScanner.SourceExclusions);
        var digest = ContentDigest.Compute(entries);
        var store = new ArtifactStore(home.Path);

        var results = Enumerable.Range(0, 4).AsParallel().Select(_ => store.Install("default", "hello", digest, entries)).ToArray();

        Assert.Single(results.Select(r => r.Path).Distinct());
        Assert.Equal(digest, ContentDigest.Compute(ArtifactScanner.Scan(results[0].Path, ArtifactScanner.SourceExclusions)));
        Assert.Single(Directory.GetFileSystemEntries(Path.Combine(home.Path, "artifacts", "default", "hello")));
    }
}
