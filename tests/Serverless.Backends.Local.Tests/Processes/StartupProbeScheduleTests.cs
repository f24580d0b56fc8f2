using Serverless.Backends.Local.Processes;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class StartupProbeScheduleTests
{
    public static TheoryData<string, int, bool, int, int> Cases => new()
    {
        // name, ms since the instance started, function has a ready instance, configured interval ms, expected ms
        { "cold start, just spawned: fast", 0, false, 5, 5 },
        { "cold start inside the first second: fast", 999, false, 5, 5 },
        { "cold start at one second: slowed to 50 ms", 1000, false, 5, 50 },
        { "cold start long after: 50 ms", 60_000, false, 5, 50 },
        { "scale-up beside a ready instance: 50 ms at once", 0, true, 5, 50 },
        { "a configured interval above 50 ms is kept", 0, false, 200, 200 },
        { "a configured interval above 50 ms is kept beside ready ones", 5000, true, 200, 200 },
        { "a configured 20 ms slows after the first second", 1500, false, 20, 50 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IntervalAfter_ByTimeSinceStartAndReadyInstances(string name, int sinceStartMs, bool ready, int configuredMs, int expectedMs)
    {
        _ = name;
        Assert.Equal(
            TimeSpan.FromMilliseconds(expectedMs),
            StartupProbeSchedule.IntervalAfter(TimeSpan.FromMilliseconds(sinceStartMs), ready, TimeSpan.FromMilliseconds(configuredMs)));
    }
}
