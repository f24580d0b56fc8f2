using Serverless.Cli.Platform;

namespace Serverless.Cli.Tests.Platform;

public sealed class PlatformLivenessDecisionTests
{
    [Theory]
    [InlineData("no state file", false, false, false, "NotRunning")]
    [InlineData("no state file, stray answers ignored", false, true, true, "NotRunning")]
    [InlineData("left behind by SIGKILL", true, false, false, "Stale")]
    [InlineData("dead pid wins over an answering port (another platform's?)", true, false, true, "Stale")]
    [InlineData("starting, hung, or pid reused", true, true, false, "Unresponsive")]
    [InlineData("running", true, true, true, "Running")]
    public void Decide_Observations_Verdict(string label, bool stateFile, bool pidAlive, bool readyz, string expected)
    {
        Assert.True(Enum.Parse<PlatformLiveness>(expected) == PlatformLivenessDecision.Decide(stateFile, pidAlive, readyz), label);
    }
}
