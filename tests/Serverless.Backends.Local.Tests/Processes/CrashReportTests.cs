using Serverless.Backends.Local.Processes;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class CrashReportTests
{
    private static readonly string[] Log =
    [
        "2025-03-04T05:06:07.890000Z stdout starting",
        "2025-03-04T05:06:07.990000Z stderr Traceback: boom",
        "not a log line",
    ];

    [Theory]
    [InlineData(null, false, 3, "instance i-1 exited before turning ready (exit code 3); restarting in 0.2 s, failure 1 in a row.")]
    [InlineData(null, true, 137, "instance i-1 exited (exit code 137); restarting in 0.2 s, failure 1 in a row.")]
    [InlineData("not ready within 60 s", false, 137, "instance i-1 was killed: not ready within 60 s (exit code 137); restarting in 0.2 s, failure 1 in a row.")]
    public void Describe_Exit_SaysWhatHappenedAndWhatNext(string? killReason, bool everReady, int exitCode, string expectedFirstLine)
    {
        var message = CrashReport.Describe("i-1", killReason, everReady, exitCode, TimeSpan.FromMilliseconds(200), 1, Log);

        Assert.StartsWith(expectedFirstLine + " Last log lines:\n", message);
    }

    [Fact]
    public void Describe_LogLines_KeptWithoutTimestamps()
    {
        var message = CrashReport.Describe("i-1", null, false, 3, TimeSpan.FromSeconds(10), 7, Log);

        Assert.EndsWith("Last log lines:\nstdout starting\nstderr Traceback: boom\nnot a log line", message);
        Assert.Contains("restarting in 10 s, failure 7 in a row", message);
    }
}
