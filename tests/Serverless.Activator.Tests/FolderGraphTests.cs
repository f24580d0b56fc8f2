using Serverless.TestSupport;

namespace Serverless.Activator.Tests;

/// <summary>
/// The activator's folders depend on each other one way only (issue #12 broke Forwarding → Throttling → Reporting →
/// Forwarding): <c>scripts/folder-deps</c> exits 1 on any cycle.
/// </summary>
public sealed class FolderGraphTests
{
    [Fact]
    public async Task Activator_Folders_NoCycle()
    {
        var result = await ProcessRunner.RunAsync("python3", [Path.Combine(RepoPaths.Root, "scripts", "folder-deps"), Path.Combine(RepoPaths.Root, "activator")]);

        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
