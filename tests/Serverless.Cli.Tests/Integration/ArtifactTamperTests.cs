using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Integration;

/// <summary>
/// Code appended to a deployed artifact (as another function could before the sandbox, or anyone with the user's
/// rights) is never served: the next <c>func deploy</c> finds the copy does not match its digest, replaces it, and
/// the function serves what was built, also after <c>func delete</c> and a fresh deploy.
/// </summary>
[Collection(LocalPlatformCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ArtifactTamperTests : IDisposable
{
    private const string Original = "exports.handle = async () => 'original';\n";
    private const string Injected = "\nexports.handle = async () => 'tampered';\n";
    private readonly LocalPlatformFixture _platform;
    private readonly TempDirectory _work = new("func-cli-tamper");

    public ArtifactTamperTests(LocalPlatformFixture platform)
    {
        _platform = platform;
    }

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Deploy_AfterArtifactTampered_ReplacesItAndServesTheOriginalCode()
    {
        var dir = Path.Combine(_work.Path, "tamper");
        Assert.Equal(0, (await _platform.Func.RunAsync("create", "-l", "node", dir)).ExitCode);
        File.WriteAllText(Path.Combine(dir, "index.js"), Original);
        var first = await _platform.Func.RunAsync("deploy", dir);
        Assert.True(first.ExitCode == 0, first.ToString());
        var installed = await SourcePathAsync();
        Assert.Equal("original", (await _platform.Func.RunAsync("invoke", "tamper")).StdOut.Trim());

        Tamper(Path.Combine(installed, "index.js"));
        var again = await _platform.Func.RunAsync("deploy", dir);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains($"{installed} was removed: its content does not match digest", again.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("unchanged", again.StdErr, StringComparison.Ordinal);
        var replacement = await SourcePathAsync();
        Assert.NotEqual(installed, replacement); // a new path, so instances that may have loaded the tampered file roll over
        Assert.False(Directory.Exists(installed));
        Assert.Equal("original", (await _platform.Func.RunAsync("invoke", "tamper")).StdOut.Trim());

        // The artifact outlives the Function: a delete and a fresh deploy must not pick up a tampered copy either.
        Tamper(Path.Combine(replacement, "index.js"));
        Assert.Equal(0, (await _platform.Func.RunAsync("delete", "tamper")).ExitCode);
        var fresh = await _platform.Func.RunAsync("deploy", dir);

        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        Assert.Contains($"{replacement} was removed: its content does not match digest", fresh.StdErr, StringComparison.Ordinal);
        Assert.Equal("original", (await _platform.Func.RunAsync("invoke", "tamper")).StdOut.Trim());
        Assert.Equal(Original, File.ReadAllText(Path.Combine(await SourcePathAsync(), "index.js")));
    }

    private async Task<string> SourcePathAsync()
    {
        var describe = await _platform.Func.RunAsync("describe", "tamper", "-o", "json");
        using var function = JsonDocument.Parse(describe.StdOut);
        return function.RootElement.GetProperty("spec").GetProperty("source").GetProperty("path").GetString()!;
    }

    /// <summary>Appends code as an attacker with the owner's rights would, and puts the read-only mode back.</summary>
    private static void Tamper(string file)
    {
        var mode = File.GetUnixFileMode(file);
        File.SetUnixFileMode(file, mode | UnixFileMode.UserWrite);
        File.AppendAllText(file, Injected);
        File.SetUnixFileMode(file, mode);
    }
}
