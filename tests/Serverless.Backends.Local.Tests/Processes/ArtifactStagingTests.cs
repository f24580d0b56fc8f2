using Serverless.Backends.Local.Processes;
using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>Staging a function's artifact into a sandboxed pool instance's directory (real files).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ArtifactStagingTests : IDisposable
{
    private readonly TempDirectory _temp = new("staging");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Fill_NestedArtifact_FilesAreHardLinksWithTheirModes_DirectoriesTraversable_SymlinksKept()
    {
        var source = Directory.CreateDirectory(Path.Combine(_temp.Path, "src")).FullName;
        Directory.CreateDirectory(Path.Combine(source, "lib", "deep"));
        File.WriteAllText(Path.Combine(source, "main.py"), "def handle(r): return 'x'\n");
        File.WriteAllText(Path.Combine(source, "lib", "deep", "data.json"), "{}");
        File.SetUnixFileMode(Path.Combine(source, "lib", "deep", "data.json"), UnixFileMode.UserRead | UnixFileMode.GroupRead);
        File.CreateSymbolicLink(Path.Combine(source, "link.py"), "main.py");
        File.CreateSymbolicLink(Path.Combine(source, "outside"), "/etc");
        var staging = Path.Combine(_temp.Path, "state", "pool-staging", "pool-python-1");

        ArtifactStaging.Create(staging);
        Assert.Empty(Directory.GetFileSystemEntries(staging));
        var (linked, copied) = ArtifactStaging.Fill(source, staging);

        Assert.Equal((2, 0), (linked, copied));
        Assert.Equal("def handle(r): return 'x'\n", File.ReadAllText(Path.Combine(staging, "main.py")));

        // A hard link: the same file, so a write to the source shows (the instance's mount is read-only).
        File.AppendAllText(Path.Combine(source, "main.py"), "# more\n");
        Assert.EndsWith("# more\n", File.ReadAllText(Path.Combine(staging, "main.py")), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(staging, "lib", "deep", "data.json")));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(Path.Combine(staging, "lib", "deep")));

        // Symbolic links are made again, never followed while staging.
        Assert.Equal("main.py", new FileInfo(Path.Combine(staging, "link.py")).LinkTarget);
        Assert.Equal("/etc", new FileInfo(Path.Combine(staging, "outside")).LinkTarget);
    }

    [Fact]
    public void Remove_StagedArtifact_RemovesTheLinksAndKeepsTheSource()
    {
        var source = Directory.CreateDirectory(Path.Combine(_temp.Path, "src")).FullName;
        File.WriteAllText(Path.Combine(source, "main.py"), "x");
        File.CreateSymbolicLink(Path.Combine(source, "etc"), "/etc");
        var staging = Path.Combine(_temp.Path, "state", "pool-staging", "pool-python-2");
        ArtifactStaging.Create(staging);
        ArtifactStaging.Fill(source, staging);

        ArtifactStaging.Remove(staging);

        Assert.False(Directory.Exists(staging));
        Assert.Equal("x", File.ReadAllText(Path.Combine(source, "main.py")));
        Assert.True(File.Exists("/etc/passwd"));
    }

    [Fact]
    public void Create_LeftoverOfTheSameName_StartsEmpty()
    {
        var staging = Path.Combine(_temp.Path, "state", "pool-staging", "pool-node-1");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "old.js"), "left by a killed platform");

        ArtifactStaging.Create(staging);

        Assert.Empty(Directory.GetFileSystemEntries(staging));
    }
}
