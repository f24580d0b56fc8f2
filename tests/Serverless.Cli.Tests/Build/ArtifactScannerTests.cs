using Serverless.Cli.Build;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Build;

public sealed class ArtifactScannerTests
{
    [Fact]
    public void Scan_SourceTree_IncludesNodeModulesAndDotfilesExcludesGitAndPycache()
    {
        using var dir = new TempDirectory();
        ArtifactFiles.Write(
            dir.Path,
            ("index.js", "1"),
            ("node_modules/dep/index.js", "2"),
            (".env", "3"),
            (".git/HEAD", "ref"),
            ("pkg/__pycache__/m.cpython-312.pyc", "bytecode"),
            ("pkg/m.py", "4"));

        var entries = ArtifactScanner.Scan(dir.Path, ArtifactScanner.SourceExclusions);

        Assert.Equal([".env", "index.js", "node_modules/dep/index.js", "pkg/m.py"], entries.Select(e => e.RelativePath));
    }

    [Fact]
    public void Scan_SymlinkedDirectory_IsListedAsALinkNotFollowed()
    {
        using var dir = new TempDirectory();
        ArtifactFiles.Write(dir.Path, ("real/a.js", "1"));

        // A cycle: following it would never end.
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "real", "loop"), "..");

        var entries = ArtifactScanner.Scan(dir.Path, ArtifactScanner.SourceExclusions);

        Assert.Equal(["real/a.js", "real/loop"], entries.Select(e => e.RelativePath));
        Assert.Equal("..", entries[1].LinkTarget);
    }
}
