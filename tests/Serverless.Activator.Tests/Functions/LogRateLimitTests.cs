using Serverless.Activator.Functions;

namespace Serverless.Activator.Tests.Functions;

public sealed class LogRateLimitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Attempts at the given seconds (10 s interval); expected: "second:suppressed" for each line written.</summary>
    [Theory]
    [InlineData("the first always goes", "0", "0:0")]
    [InlineData("within the interval: held back", "0,1,9.9", "0:0")]
    [InlineData("after the interval: goes, with the count held back", "0,1,2,10", "0:0,10:2")]
    [InlineData("a quiet stretch: nothing to report", "0,30", "0:0,30:0")]
    [InlineData("a burst of 10 in a second is one line, then one reporting the 9 held back", "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,10", "0:0,10:9")]
    public void TryAcquire_Sequence_WritesAtMostOneLinePerInterval(string label, string seconds, string expected)
    {
        var limit = new LogRateLimit(TimeSpan.FromSeconds(10));
        var written = new List<string>();
        foreach (var second in seconds.Split(',').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)))
        {
            if (limit.TryAcquire(T0.AddSeconds(second), out var suppressed))
            {
                written.Add(FormattableString.Invariant($"{second}:{suppressed}"));
            }
        }

        Assert.True(expected == string.Join(",", written), $"{label}: {string.Join(",", written)}");
    }
}
