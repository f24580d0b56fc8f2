using Serverless.Backends.Local.Processes;
using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class RestartBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ResetAfter = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(3, 800)]
    [InlineData(6, 6400)]
    [InlineData(7, 10_000)] // 12.8 s capped
    [InlineData(64, 10_000)] // no overflow however long the crash loop
    [InlineData(int.MaxValue, 10_000)]
    public void DelayFor_Failures_DoublesFromBaseUpToMax(int failures, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RestartBackoff.DelayFor(failures, Base, Max));
    }

    public static TheoryData<string, int[], int[]> Sequences => new()
    {
        // label, uptime (ms) of each crashed instance, expected delay (ms) after each crash
        { "fast crashes double", [100, 100, 100, 100], [200, 400, 800, 1600] },
        { "long run resets", [100, 100, 30_000, 100], [200, 400, 200, 400] },
        { "just under reset keeps counting", [100, 29_999], [200, 400] },
        { "many fast crashes cap", [0, 0, 0, 0, 0, 0, 0, 0], [200, 400, 800, 1600, 3200, 6400, 10_000, 10_000] },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void RecordFailure_Sequence_ExpectedDelays(string label, int[] uptimesMs, int[] expectedMs)
    {
        var time = new ManualTimeProvider();
        var backoff = new RestartBackoff(Base, Max, ResetAfter, time);
        var delays = new List<int>();
        foreach (var uptime in uptimesMs)
        {
            var startedAt = time.GetUtcNow();
            time.Advance(TimeSpan.FromMilliseconds(uptime));
            var delay = backoff.RecordFailure(startedAt);
            delays.Add((int)delay.TotalMilliseconds);
            time.Advance(delay);
        }

        Assert.True(expectedMs.SequenceEqual(delays), $"{label}: expected [{string.Join(", ", expectedMs)}], got [{string.Join(", ", delays)}]");
    }

    [Fact]
    public void RemainingDelay_AfterFailure_CountsDownToZero()
    {
        var time = new ManualTimeProvider();
        var backoff = new RestartBackoff(Base, Max, ResetAfter, time);
        Assert.Equal(TimeSpan.Zero, backoff.RemainingDelay());

        backoff.RecordFailure(time.GetUtcNow());
        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.RemainingDelay());

        time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(TimeSpan.FromMilliseconds(50), backoff.RemainingDelay());

        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(TimeSpan.Zero, backoff.RemainingDelay());
        Assert.Equal(1, backoff.ConsecutiveFailures);
    }
}
