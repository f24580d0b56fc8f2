using Serverless.Activator.Configuration;
using Serverless.Activator.LoadBalancing;

namespace Serverless.Activator.Tests.LoadBalancing;

public sealed class OutlierDetectorTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Results as a string, one per second: F failure, R refused connection, S success. Expected: the second at which an ejection
    /// happened and its length, "t+len" joined by commas. Threshold 3, base 10 s, max 35 s.
    /// </summary>
    [Theory]
    [InlineData("below threshold", "FF", true, "")]
    [InlineData("at threshold", "FFF", true, "2+10")]
    [InlineData("success breaks streak", "FFSFF", true, "")]
    [InlineData("not allowed to eject (last instance)", "FFFFFF", false, "")]
    [InlineData("failures while ejected do not count", "FFFFFF", true, "2+10")]
    [InlineData("repeat doubles", "FFF__________FFF", true, "2+10,15+20")]
    [InlineData("doubling capped", "FFF__________FFF______________________FFF", true, "2+10,15+20,40+35")]
    [InlineData("short healthy stretch keeps doubling", "FFF__________SFFF", true, "2+10,16+20")]
    [InlineData("long healthy stretch forgets ejections", "FFF___________________SFFF", true, "2+10,25+10")]
    [InlineData("a refused connection ejects at once (issue #14)", "R", true, "0+10")]
    [InlineData("refused after failures ejects at once", "FR", true, "1+10")]
    [InlineData("refused, but the last instance: never ejected", "RRR", false, "")]
    public void Record_Sequence_EjectsAsExpected(string label, string results, bool mayEject, string expected)
    {
        var detector = new OutlierDetector(3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(35));
        var state = new OutlierState();
        var ejections = new List<string>();
        for (var second = 0; second < results.Length; second++)
        {
            var now = Start.AddSeconds(second);
            switch (results[second])
            {
                case 'F':
                    if (detector.RecordFailure(state, now, mayEject) is { } until)
                    {
                        ejections.Add(FormattableString.Invariant($"{second}+{(until - now).TotalSeconds}"));
                    }

                    break;
                case 'R':
                    if (detector.RecordFailure(state, now, mayEject, refused: true) is { } ejected)
                    {
                        ejections.Add(FormattableString.Invariant($"{second}+{(ejected - now).TotalSeconds}"));
                    }

                    break;
                case 'S':
                    detector.RecordSuccess(state, now);
                    break;
            }
        }

        Assert.True(expected == string.Join(",", ejections), $"{label}: got {string.Join(",", ejections)}");
    }

    [Theory]
    [InlineData(0, 30)]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(3, 240)]
    [InlineData(4, 300)]
    [InlineData(100, 300)]
    public void EjectionTime_Defaults_DoublesAndCaps(int previous, int expectedSeconds)
    {
        var detector = OutlierDetector.From(new ActivatorOptions());

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), detector.EjectionTime(previous));
    }
}
