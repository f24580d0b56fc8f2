using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Platform.State;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.State;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ArtifactRootTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly TempDirectory _home = new("serverless-artifacts");

    private string Root => Path.Combine(_home.Path, "artifacts");

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Prepare_NoSandboxGroup_OwnerOnly()
    {
        ArtifactRoot.Prepare(_home.Path, null, NullLogger.Instance);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Root));
    }

    [Fact]
    public async Task Prepare_SandboxGroup_GivesTheTreeToItWithSetgid()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return; // giving a file to a group we are not in needs root; the platform does it only as root
        }

        var installed = Path.Combine(Root, "default", "hello", "0123456789abcdef");
        Directory.CreateDirectory(installed);
        File.WriteAllText(Path.Combine(installed, "index.js"), "x");

        ArtifactRoot.Prepare(_home.Path, 65532, NullLogger.Instance);
        ArtifactRoot.Prepare(_home.Path, 65532, NullLogger.Instance); // a second start changes nothing

        Assert.Equal(OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.SetGroup, File.GetUnixFileMode(Root));
        Assert.True((File.GetUnixFileMode(installed) & UnixFileMode.SetGroup) != 0);
        foreach (var path in new[] { Root, installed, Path.Combine(installed, "index.js") })
        {
            Assert.Equal("65532", await GroupOfAsync(path));
        }

        // What func deploy creates later inherits the group through the setgid bit.
        var later = Path.Combine(Root, "default", "other");
        Directory.CreateDirectory(later);
        Assert.Equal("65532", await GroupOfAsync(later));
    }

    // An artifact sealed owner-only before the platform ran as root with a sandbox group: readable by that group at
    // once, in the mode func deploy would seal it with, and still writable by nobody.
    [Fact]
    public void Prepare_SandboxGroup_OwnerOnlySealedArtifactBecomesGroupReadable()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return; // as above: the platform regroups only as root
        }

        var installed = Path.Combine(Root, "default", "hello", "fedcba9876543210");
        Directory.CreateDirectory(installed);
        var file = Path.Combine(installed, "main.py");
        var script = Path.Combine(installed, "run.sh");
        File.WriteAllText(file, "x");
        File.WriteAllText(script, "x");
        File.SetUnixFileMode(file, UnixFileMode.UserRead);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        File.SetUnixFileMode(installed, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        ArtifactRoot.Prepare(_home.Path, 65532, NullLogger.Instance);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute, File.GetUnixFileMode(script));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute,
            File.GetUnixFileMode(installed) & ~UnixFileMode.SetGroup);
    }

    private static async Task<string> GroupOfAsync(string path) =>
        (await ProcessRunner.RunAsync("stat", ["-c", "%g", path])).StdOut.Trim();
}
