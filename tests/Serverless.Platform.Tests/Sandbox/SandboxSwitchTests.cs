using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Sandbox;

/// <summary>The platform refuses to run functions unsandboxed by accident, and says so when it does on purpose.</summary>
public sealed class SandboxSwitchTests
{
    [Fact]
    public async Task Platform_SandboxUnavailable_ExitsNamingWhatToInstall()
    {
        using var home = new TempDirectory("serverless-nosandbox");

        // No bwrap on this PATH: as on a machine without bubblewrap.
        var result = await ProcessRunner.RunAsync(
            "dotnet",
            [RepoPaths.Built("platform", "Serverless.Platform.dll"), "--home", home.Path, "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0"],
            new Dictionary<string, string?> { ["PATH"] = "/nonexistent" },
            home.Path,
            TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("the function sandbox needs bubblewrap (bwrap), which is not installed", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("apt-get install bubblewrap", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("func up --no-sandbox", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(home.Path, "platform.json")));
    }

    [Fact]
    public async Task FuncUp_NoSandbox_RecordedAndStatusWarns()
    {
        using var home = new TempDirectory("serverless-nosandbox");
        var func = new FuncCli(home.Path);
        try
        {
            var up = await func.RunAsync("up", "--detach", "--no-sandbox", "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0");
            Assert.True(up.ExitCode == 0, up.ToString());
            using (var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(home.Path, "platform.json"))))
            {
                Assert.False(state.RootElement.GetProperty("sandbox").GetBoolean());
            }

            var status = await func.RunAsync("status");

            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Contains("Sandbox:   OFF (func up --no-sandbox or config.json local.sandbox: false)", status.StdOut, StringComparison.Ordinal);
            Assert.Contains("warning: the function sandbox is off", status.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            var down = await func.RunAsync("down");
            Assert.True(down.ExitCode == 0, down.ToString());
        }
    }
}
