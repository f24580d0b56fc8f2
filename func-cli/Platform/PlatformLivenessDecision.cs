namespace Serverless.Cli.Platform;

/// <summary>Whether a platform runs for a home, from what was observed. Pure.</summary>
internal static class PlatformLivenessDecision
{
    public static PlatformLiveness Decide(bool stateFilePresent, bool pidAlive, bool readyzAnswered) =>
        (stateFilePresent, pidAlive, readyzAnswered) switch
        {
            (false, _, _) => PlatformLiveness.NotRunning,
            (true, false, _) => PlatformLiveness.Stale,
            (true, true, false) => PlatformLiveness.Unresponsive,
            (true, true, true) => PlatformLiveness.Running,
        };
}
