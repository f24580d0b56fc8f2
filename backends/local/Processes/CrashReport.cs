using System.Globalization;

namespace Serverless.Backends.Local.Processes;

/// <summary>The status message for an instance that exited unexpectedly: what happened, what next, its last words.</summary>
internal static class CrashReport
{
    /// <summary>How many of the instance's last log lines the message carries.</summary>
    public const int LogLines = 20;

    public static string Describe(
        string instanceId, string? killReason, bool everReady, int exitCode, TimeSpan restartDelay, int failures, IEnumerable<string> lastLogLines)
    {
        var what = killReason is not null ? "was killed: " + killReason
            : everReady ? "exited"
            : "exited before turning ready";
        var lines = string.Join('\n', lastLogLines.Select(WithoutTimestamp));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"instance {instanceId} {what} (exit code {exitCode}); restarting in {restartDelay.TotalSeconds:0.###} s, failure {failures} in a row. Last log lines:\n{lines}");
    }

    /// <summary>A status message is read by people in the moment; the stream name is kept, the timestamp dropped.</summary>
    private static string WithoutTimestamp(string line)
    {
        var length = InstanceLogWriter.TimestampLength;
        return line.Length > length && line[length] == ' ' ? line[(length + 1)..] : line;
    }
}
