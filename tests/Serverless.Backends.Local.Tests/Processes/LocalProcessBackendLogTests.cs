using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using static Serverless.Backends.Local.Tests.Processes.BackendHarness;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>The supervisor against real processes (the fake runtime on loopback ports): instance logs: format, both streams, rotation, tails.</summary>
public sealed partial class LocalProcessBackendLogTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly BackendHarness _harness = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Logs_RevisionsOwnWorkload_WrittenUnderItsFunctionsLogDirectory()
    {
        // Issue #17: every revision is a workload keyed by its name; `func logs hello` reads the Function's directory.
        var backend = _harness.Start();
        var revision = new Core.Contracts.FunctionKey("default", "hello-00002");

        await backend.EnsureAsync(_harness.Spec() with { Key = revision, Function = "hello", RevisionName = "hello-00002" }, 1);
        var id = Assert.Single(backend.GetInstances(revision)).Id;
        Assert.StartsWith("hello-00002-", id, StringComparison.Ordinal);
        await Poll.UntilAsync(() => backend.TailLog(Key, 50).Any(l => l.EndsWith(" listening", StringComparison.Ordinal)), "the revision's instance log under the Function");

        var file = Assert.Single(backend.ListLogFiles(Key));
        Assert.Equal(Path.Combine(_harness.TempPath, "state", "logs", "default", "hello", id + ".log"), file.Path);
        Assert.Empty(backend.ListLogFiles(revision));
        Assert.Equal(new Core.Contracts.FunctionKey("default", "hello"), Assert.Single(backend.GetInstances(revision)).Function);
    }

    [Fact]
    public async Task Logs_StdoutAndStderr_TimestampedLinesInInstanceLog()
    {
        var backend = _harness.Start();

        await backend.EnsureAsync(_harness.Spec(env: ("FAKE_LOG_LINES", "3")), 1);
        var id = Assert.Single(backend.GetInstances(Key)).Id;
        await Poll.UntilAsync(
            () => backend.TailInstanceLog(Key, id, 50) is var log
                && log.Any(l => l.Contains(" stdout out line 2 ", StringComparison.Ordinal))
                && log.Any(l => l.Contains(" stderr err line 2 ", StringComparison.Ordinal))
                && log.Any(l => l.EndsWith(" listening", StringComparison.Ordinal)),
            "the last stdout and stderr lines in the log");

        var file = Assert.Single(backend.ListLogFiles(Key));
        Assert.Equal(id, file.InstanceId);
        Assert.Equal(Path.Combine(_harness.TempPath, "state", "logs", "default", "hello", id + ".log"), file.Path);
        var lines = File.ReadAllLines(file.Path);
        Assert.All(lines, l => Assert.Matches(LogLine(), l));
        Assert.Contains(lines, l => l.Contains(" stdout fake-runtime[", StringComparison.Ordinal) && l.Contains("starting on 127.0.0.1:", StringComparison.Ordinal));
        Assert.Equal(3, lines.Count(l => l.Contains(" stderr err line ", StringComparison.Ordinal)));
        Assert.False(File.Exists(file.Path + ".1"));

        var tail = backend.TailLog(Key, 2);
        Assert.Equal(2, tail.Count);
        Assert.All(tail, l => Assert.StartsWith(id + " ", l));
        Assert.Equal(lines.Length, backend.TailInstanceLog(Key, id, 1000).Count);
    }

    [Fact]
    public async Task Logs_PastSizeBound_RotatedKeepingOneOldFile()
    {
        const int max = 4096;
        var backend = _harness.Start(o => o.LogFileMaxBytes = max);

        // One stream only: lines of two pipes interleave unpredictably, and this test checks which survive.
        await backend.EnsureAsync(_harness.Spec(env: [("FAKE_LOG_LINES", "100"), ("FAKE_LOG_LINE_BYTES", "100"), ("FAKE_LOG_STREAMS", "stdout")]), 1);
        var id = Assert.Single(backend.GetInstances(Key)).Id;
        await Poll.UntilAsync(
            () => backend.TailInstanceLog(Key, id, 1) is [var last] && last.EndsWith(" listening", StringComparison.Ordinal),
            "the last line in the log");

        var path = Assert.Single(backend.ListLogFiles(Key)).Path;
        var current = File.ReadAllLines(path);
        var rotated = File.ReadAllLines(path + ".1");
        Assert.True(new FileInfo(path).Length <= max, $"{path} has {new FileInfo(path).Length} bytes");
        Assert.True(new FileInfo(path + ".1").Length <= max);
        Assert.False(File.Exists(path + ".2"));
        Assert.All(rotated.Concat(current), l => Assert.Matches(LogLine(), l));

        // The two files hold the newest lines, in order, without a gap; the oldest were dropped.
        var numbers = rotated.Concat(current)
            .Where(l => l.Contains(" out line ", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Split(' ')[4], CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(Enumerable.Range(numbers[0], 100 - numbers[0]), numbers);
        Assert.True(numbers[0] > 0, "the first lines were rotated out");
        Assert.Equal(rotated.Concat(current).TakeLast(5), backend.TailInstanceLog(Key, id, 5));
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z (stdout|stderr) ")]
    private static partial Regex LogLine();
}
