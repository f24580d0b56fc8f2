using Serverless.Activator.Throttling;

namespace Serverless.Activator.Tests.Throttling;

public sealed class ConcurrencyStatsTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Changes as "ms:value" at milliseconds into a 1 s window; requests counted separately.</summary>
    [Theory]
    [InlineData("idle", "", 0, 0.0, 0, 0.0)]
    [InlineData("2 for half the window", "0:2,500:0", 2, 1.0, 2, 2.0)]
    [InlineData("steps", "0:1,250:3,750:2", 3, 2.25, 3, 3.0)]
    [InlineData("still running at close", "500:4", 4, 2.0, 4, 4.0)]
    [InlineData("brief peak", "100:10,110:0", 10, 0.1, 10, 10.0)]
    public void Take_Changes_AverageAndPeak(string label, string changes, int requests, double average, int peak, double rps)
    {
        var stats = new ConcurrencyStats(Start);
        foreach (var change in changes.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = change.Split(':');
            stats.Record(Start.AddMilliseconds(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture)), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }

        for (var i = 0; i < requests; i++)
        {
            stats.CountRequest();
        }

        var window = stats.Take(Start.AddSeconds(1), inFlight: 0, queueDepth: 0);

        Assert.True(Math.Abs(average - window.AverageConcurrency) < 1e-9, $"{label}: average {window.AverageConcurrency}");
        Assert.True(peak == window.PeakConcurrency, $"{label}: peak {window.PeakConcurrency}");
        Assert.True(Math.Abs(rps - window.RequestsPerSecond) < 1e-9, $"{label}: rps {window.RequestsPerSecond}");
    }

    [Fact]
    public void Take_NextWindow_StartsFromCurrentConcurrency()
    {
        var stats = new ConcurrencyStats(Start);
        stats.Record(Start.AddMilliseconds(500), 3);
        stats.Take(Start.AddSeconds(1), 3, 0);

        var second = stats.Take(Start.AddSeconds(3), 3, 0);

        Assert.Equal(3.0, second.AverageConcurrency, 9);
        Assert.Equal(3, second.PeakConcurrency);
        Assert.Equal(0.0, second.RequestsPerSecond);
        Assert.True(second.HasActivity);
    }

    [Fact]
    public void Take_AfterActivityEnded_NoActivityNextWindow()
    {
        var stats = new ConcurrencyStats(Start);
        stats.Record(Start, 1);
        stats.Record(Start.AddMilliseconds(100), 0);
        Assert.True(stats.Take(Start.AddSeconds(1), 0, 0).HasActivity);

        Assert.False(stats.Take(Start.AddSeconds(2), 0, 0).HasActivity);
    }
}
