using Serverless.Backends.Local.Processes;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class StartupProbeScheduleTests
{
    public static TheoryData<string, int?, bool, int, int> Cases => new()
    {
        // name, ms since the runtime's "listening on" line (null: not yet), function has a ready instance, configured interval ms, expected ms
        { "cold start, runtime not listening yet: 50 ms (a probe would be refused)", null, false, 5, 50 },
        { "cold start, just said it listens: fast", 0, false, 5, 5 },
        { "cold start inside the second after the line: fast", 999, false, 5, 5 },
        { "cold start a second after the line: slowed to 50 ms", 1000, false, 5, 50 },
        { "cold start long after: 50 ms", 60_000, false, 5, 50 },
        { "scale-up beside a ready instance: 50 ms at once", 0, true, 5, 50 },
        { "scale-up beside a ready instance, not listening yet: 50 ms", null, true, 5, 50 },
        { "a configured interval above 50 ms is kept", 0, false, 200, 200 },
        { "a configured interval above 50 ms is kept before the line", null, false, 200, 200 },
        { "a configured interval above 50 ms is kept beside ready ones", 5000, true, 200, 200 },
        { "a configured 20 ms slows after the second", 1500, false, 20, 50 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IntervalAfter_ByTimeSinceTheListeningLineAndReadyInstances(string name, int? sinceListeningMs, bool ready, int configuredMs, int expectedMs)
    {
        _ = name;
        Assert.Equal(
            TimeSpan.FromMilliseconds(expectedMs),
            StartupProbeSchedule.IntervalAfter(
                sinceListeningMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, ready, TimeSpan.FromMilliseconds(configuredMs)));
    }
}
