using Serverless.TestSupport;

namespace Serverless.Cli.Tests;

/// <summary>
/// The folders of func-cli depend on each other one way only, as <c>scripts/folder-deps</c> reads them: the
/// kernel (App/) at the bottom, Commands/ at the top, with only Program.cs (the composition root) above it.
/// </summary>
public sealed class FolderGraphTests
{
    [Fact]
    public async Task FuncCli_Folders_NoCycleAndNothingBelowCommandsUsesIt()
    {
        var result = await ProcessRunner.RunAsync("python3", [Path.Combine(RepoPaths.Root, "scripts", "folder-deps"), Path.Combine(RepoPaths.Root, "func-cli")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var users = result.StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split("->", 2, StringSplitOptions.TrimEntries))
            .Where(parts => parts.Length == 2 && parts[1].Split(", ").Contains("Commands"))
            .Select(parts => parts[0]);
        Assert.Equal(["(root)"], users);
    }
}
