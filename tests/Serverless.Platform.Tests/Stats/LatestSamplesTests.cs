using Serverless.Core.Contracts;
using Serverless.Platform.Stats;

namespace Serverless.Platform.Tests.Stats;

public sealed class LatestSamplesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly FunctionKey Hello = new("default", "hello");

    [Fact]
    public void Report_Samples_KeepsTheLatestAndForwardsAll()
    {
        var inner = new List<ConcurrencySample>();
        var samples = new LatestSamples(new Sink(inner));

        samples.Report(new ConcurrencySample(Hello, T0, 3, 5, 10, 1));
        samples.Report(new ConcurrencySample(Hello, T0.AddSeconds(1), 7, 9, 20, 2));

        Assert.Equal(2, inner.Count);
        Assert.Equal(20, samples.Latest(Hello, T0)!.Value.RequestsPerSecond);
        Assert.Null(samples.Latest(Hello, T0.AddSeconds(2)));
        Assert.Null(samples.Latest(new FunctionKey("default", "other"), T0));
    }

    private sealed class Sink(List<ConcurrencySample> received) : IConcurrencySink
    {
        public void Report(ConcurrencySample sample) => received.Add(sample);
    }
}
