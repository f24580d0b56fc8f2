using Serverless.Platform.Stats;

namespace Serverless.Platform.Tests.Stats;

public sealed class ColdStartWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, (int AtSeconds, string Event)[], int, int> Cases => new()
    {
        // label, events ("start" = a request at zero, "warm" = instances ready), count asked at, expected
        { "none", [], 0, 0 },
        { "one start", [(0, "start")], 1, 1 },
        { "a burst at zero counts once", [(0, "start"), (0, "start"), (1, "start")], 2, 1 },
        { "warm then zero again counts twice", [(0, "start"), (2, "warm"), (40, "start")], 41, 2 },
        { "a start leaves the window after a minute", [(0, "start"), (2, "warm"), (40, "start")], 60, 1 },
        { "all gone after a minute", [(0, "start")], 61, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Count_Events_StartsInTheLastMinute(string label, (int AtSeconds, string Event)[] events, int askAt, int expected)
    {
        var window = new ColdStartWindow();
        foreach (var (at, kind) in events)
        {
            if (kind == "start")
            {
                window.TryStart(T0.AddSeconds(at));
            }
            else
            {
                window.Warm();
            }
        }

        Assert.True(expected == window.Count(T0.AddSeconds(askAt)), label);
    }
}
