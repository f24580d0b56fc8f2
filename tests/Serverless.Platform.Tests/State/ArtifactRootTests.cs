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

    private static async Task<string> GroupOfAsync(string path) =>
        (await ProcessRunner.RunAsync("stat", ["-c", "%g", path])).StdOut.Trim();
}
