using Serverless.Cli.App;
using Serverless.Cli.Build;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Build;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ArtifactStoreTests
{
    private const UnixFileMode R = UnixFileMode.UserRead;
    private const UnixFileMode RX = UnixFileMode.UserRead | UnixFileMode.UserExecute;
    private const UnixFileMode GroupRX = UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    [Fact]
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

        var (path, copied, _) = new ArtifactStore(home.Path).Install("default", "hello", digest, entries);

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
        var (first, _, _) = store.Install("default", "hello", digest, entries);
        var marker = File.GetLastWriteTimeUtc(Path.Combine(first, "index.js"));

        var (second, copied, replaced) = store.Install("default", "hello", digest, entries);

        Assert.False(copied);
        Assert.Null(replaced);
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

    [Fact]
    public void Install_NewDigest_SealsEverythingReadOnlyForTheOwnerOnly()
    {
        using var source = new TempDirectory();
        using var home = new TempDirectory();
        var (entries, digest) = Sources(source.Path, ("index.js", "hi"), ("lib/util.js", "u"), ("run.sh", "#!/bin/sh\n"));
        File.SetUnixFileMode(Path.Combine(source.Path, "run.sh"), (UnixFileMode)0b111_101_101);

        var install = new ArtifactStore(home.Path).Install("default", "hello", digest, entries);

        Assert.Equal(RX, File.GetUnixFileMode(install.Path));
        Assert.Equal(RX, File.GetUnixFileMode(Path.Combine(install.Path, "lib")));
        Assert.Equal(R, File.GetUnixFileMode(Path.Combine(install.Path, "index.js")));
        Assert.Equal(R, File.GetUnixFileMode(Path.Combine(install.Path, "lib", "util.js")));
        Assert.Equal(RX, File.GetUnixFileMode(Path.Combine(install.Path, "run.sh")));
        Assert.Equal(RX | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.GetDirectoryName(install.Path)!));
    }

    [Fact]
    public void Install_RootSharedWithAGroup_SealsGroupReadable()
    {
        using var source = new TempDirectory();
        using var home = new TempDirectory();
        var root = Path.Combine(home.Path, "artifacts");
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, RX | UnixFileMode.UserWrite | GroupRX | UnixFileMode.SetGroup); // as the platform leaves it when root
        var (entries, digest) = Sources(source.Path, ("main.py", "x = 1"), ("bin/tool", "#!/bin/sh\n"));
        File.SetUnixFileMode(Path.Combine(source.Path, "bin", "tool"), (UnixFileMode)0b111_101_101);

        var install = new ArtifactStore(home.Path).Install("default", "hello", digest, entries);
        var again = new ArtifactStore(home.Path).Install("default", "hello", digest, entries);

        Assert.Equal(RX | GroupRX, File.GetUnixFileMode(install.Path) & ~UnixFileMode.SetGroup);
        Assert.Equal(R | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(install.Path, "main.py")));
        Assert.Equal(RX | GroupRX, File.GetUnixFileMode(Path.Combine(install.Path, "bin", "tool")));
        Assert.Equal((install.Path, false, (string?)null), (again.Path, again.Copied, again.Replaced));
    }

    [Fact]
    public void Install_CopyTamperedWith_ReplacedUnderANewNameAndTheOldOneRemoved()
    {
        using var source = new TempDirectory();
        using var home = new TempDirectory();
        var (entries, digest) = Sources(source.Path, ("main.py", "def handle(): return 'original'\n"));
        var store = new ArtifactStore(home.Path);
        var first = store.Install("default", "hello", digest, entries);
        Tamper(Path.Combine(first.Path, "main.py"), "def handle(): return 'tampered'\n");

        var second = store.Install("default", "hello", digest, entries);
        var third = store.Install("default", "hello", digest, entries);

        Assert.True(second.Copied);
        Assert.NotEqual(first.Path, second.Path);
        Assert.StartsWith(first.Path + "-", second.Path, StringComparison.Ordinal);
        Assert.Contains("does not match digest " + digest[..16], second.Replaced, StringComparison.Ordinal);
        Assert.False(Directory.Exists(first.Path));
        Assert.Equal("def handle(): return 'original'\n", File.ReadAllText(Path.Combine(second.Path, "main.py")));
        Assert.Equal((second.Path, false, (string?)null), (third.Path, third.Copied, third.Replaced));
    }

    [Theory]
    [InlineData("a planted bytecode cache", "__pycache__/main.cpython-311.pyc", "does not match digest")]
    [InlineData("a planted module", "os.py", "does not match digest")]
    public void Install_FileAddedToTheCopy_Replaced(string label, string planted, string expected)
    {
        using var source = new TempDirectory();
        using var home = new TempDirectory();
        var (entries, digest) = Sources(source.Path, ("main.py", "x = 1"));
        var store = new ArtifactStore(home.Path);
        var first = store.Install("default", "hello", digest, entries);
        File.SetUnixFileMode(first.Path, RX | UnixFileMode.UserWrite);
        ArtifactFiles.Write(first.Path, (planted, "evil"));
        Seal(first.Path);

        var second = store.Install("default", "hello", digest, entries);

        Assert.True(second.Replaced?.Contains(expected, StringComparison.Ordinal) == true, label + ": " + second.Replaced);
        Assert.False(File.Exists(Path.Combine(second.Path, planted)), label);
    }

    [Fact]
    public void Install_CopyMadeWritable_Replaced()
    {
        using var source = new TempDirectory();
        using var home = new TempDirectory();
        var (entries, digest) = Sources(source.Path, ("index.js", "hi"));
        var store = new ArtifactStore(home.Path);
        var first = store.Install("default", "hello", digest, entries);
        File.SetUnixFileMode(Path.Combine(first.Path, "index.js"), (UnixFileMode)0b110_110_110);

        var second = store.Install("default", "hello", digest, entries);

        Assert.True(second.Copied);
        Assert.Contains("index.js has mode 0666, not the sealed 0400", second.Replaced, StringComparison.Ordinal);
    }

    [Fact]
    public void Install_LinkInPlaceOfTheCopy_RemovedNotFollowed()
    {
        using var source = new TempDirectory();
        using var home = new TempDirectory();
        using var elsewhere = new TempDirectory();
        ArtifactFiles.Write(elsewhere.Path, ("index.js", "hi"));
        var (entries, digest) = Sources(source.Path, ("index.js", "hi"));
        var store = new ArtifactStore(home.Path);
        var expected = store.PathFor("default", "hello", digest);
        Directory.CreateDirectory(Path.GetDirectoryName(expected)!);
        Directory.CreateSymbolicLink(expected, elsewhere.Path);

        var install = store.Install("default", "hello", digest, entries);

        Assert.Contains("symbolic link", install.Replaced, StringComparison.Ordinal);
        Assert.False(Path.Exists(expected));
        Assert.Equal("hi", File.ReadAllText(Path.Combine(elsewhere.Path, "index.js")));
        Assert.Equal("hi", File.ReadAllText(Path.Combine(install.Path, "index.js")));
    }

    [Fact]
    public void Install_SourceChangedAfterItsDigest_RefusedAndNothingInstalled()
    {
        using var source = new TempDirectory();
        using var home = new TempDirectory();
        var (entries, digest) = Sources(source.Path, ("index.js", "hi"));
        File.AppendAllText(Path.Combine(source.Path, "index.js"), " there");
        var store = new ArtifactStore(home.Path);

        var error = Assert.Throws<CliException>(() => store.Install("default", "hello", digest, entries));

        Assert.Contains("changed while they were being installed", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(home.Path, "artifacts", "default", "hello")));
    }

    private static (IReadOnlyList<ArtifactEntry> Entries, string Digest) Sources(string root, params (string Path, string Content)[] files)
    {
        ArtifactFiles.Write(root, files);
        var entries = ArtifactScanner.Scan(root, ArtifactScanner.SourceExclusions);
        return (entries, ContentDigest.Compute(entries));
    }

    /// <summary>Appends as an attacker with the owner's rights would: open the file, write, put the mode back.</summary>
    private static void Tamper(string file, string code)
    {
        var mode = File.GetUnixFileMode(file);
        File.SetUnixFileMode(file, mode | UnixFileMode.UserWrite);
        File.AppendAllText(file, code);
        File.SetUnixFileMode(file, mode);
    }

    /// <summary>Gives a tampered copy the sealed modes again, so only its content gives it away.</summary>
    private static void Seal(string directory)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(path, Directory.Exists(path) ? RX : R);
        }

        File.SetUnixFileMode(directory, RX);
    }
}
