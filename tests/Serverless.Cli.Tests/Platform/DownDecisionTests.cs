using Serverless.Cli.Platform;

namespace Serverless.Cli.Tests.Platform;

public sealed class DownDecisionTests
{
    [Theory]
    [InlineData("NotRunning", false, "NothingToStop")]
    [InlineData("Stale", true, "RemoveStaleState")]
    [InlineData("Running", false, "Terminate")]
    [InlineData("Unresponsive", true, "Terminate")]
    [InlineData("Unresponsive", false, "RemoveStaleState")]
    public void Decide_LivenessAndIdentity_Action(string liveness, bool looksLikePlatform, string expected)
    {
        Assert.Equal(Enum.Parse<DownAction>(expected), DownDecision.Decide(Enum.Parse<PlatformLiveness>(liveness), looksLikePlatform));
    }

    public static TheoryData<string, string[]?, bool> CommandLines => new()
    {
        { "the platform host", ["dotnet", "/opt/serverless/.out/platform/Serverless.Platform.dll", "--home", "/other"], true },
        { "started with this home", ["dotnet", "/x/Custom.dll", "--home", "/home/u/.serverless/"], true },
        { "an unrelated program that reused the pid", ["/usr/bin/vim", "notes.txt"], false },
        { "another home's flag without a value", ["dotnet", "x.dll", "--home"], false },
        { "argv not readable on this OS", null, true },
    };

    [Theory]
    [MemberData(nameof(CommandLines))]
    public void LooksLikePlatform_Argv_Identifies(string label, string[]? argv, bool expected)
    {
        Assert.True(expected == DownDecision.LooksLikePlatform(argv, "/home/u/.serverless"), label);
    }
}
