using Serverless.Cli.Watching;

namespace Serverless.Cli.Tests.Watching;

public sealed class DebouncerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, int[], int, int?> Cases => new()
    {
        // label, change times (ms after T0), ask at (ms), expected wait in ms (0 = due, null = nothing pending)
        { "nothing changed", [], 1000, null },
        { "one save, asked at once", [0], 0, 300 },
        { "one save, quiet period half over", [0], 150, 150 },
        { "one save, quiet period over", [0], 300, 0 },
        { "second save restarts the quiet period", [0, 200], 300, 200 },
        { "second save, its quiet period over", [0, 200], 500, 0 },
        { "saves every 100 ms hit the 2 s cap", [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900], 1950, 50 },
        { "saves every 100 ms are due at the cap", [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900], 2000, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Due_Changes_WaitsForQuietOrCap(string label, int[] changes, int askAt, int? expectedMs)
    {
        var debouncer = new Debouncer(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(2));
        foreach (var at in changes)
        {
            debouncer.Changed(T0.AddMilliseconds(at));
        }

        var due = debouncer.Due(T0.AddMilliseconds(askAt));

        Assert.True(expectedMs == (due is { } wait ? (int?)wait.TotalMilliseconds : null), $"{label}: got {due}");
    }

    [Fact]
    public void Reset_AfterDue_NothingPendingUntilNextChange()
    {
        var debouncer = new Debouncer();
        debouncer.Changed(T0);
        debouncer.Reset();

        Assert.False(debouncer.Pending);
        Assert.Null(debouncer.Due(T0.AddSeconds(10)));

        debouncer.Changed(T0.AddSeconds(10));
        Assert.Equal(Debouncer.DefaultQuiet, debouncer.Due(T0.AddSeconds(10)));
    }
}
