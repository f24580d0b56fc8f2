using System.Globalization;
using Serverless.Runtime.Dotnet.Tests.Support;
using Xunit.Abstractions;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

[Collection(StartupTimeCollection.Name)]
public sealed class StartupTimeTests(ITestOutputHelper output)
{
    private const int Runs = 5;

    /// <summary>A regression guard, not a benchmark: a cold start far beyond a second means something heavy crept in.</summary>
    private static readonly TimeSpan MedianBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Start_SpawnToFirstReady_MedianWithinBound()
    {
        var times = new List<TimeSpan>();
        for (var run = 0; run < Runs; run++)
        {
            await using var runtime = RuntimeProcess.StartTestHandler("Echo");
            times.Add(await runtime.WaitForReadyAsync());
        }

        times.Sort();
        var median = times[Runs / 2];
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"spawn to first 200 on /readyz: median {median.TotalMilliseconds:0} ms; runs {string.Join(", ", times.Select(t => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)))} ms"));
        Assert.True(median < MedianBound, $"median startup {median} exceeds {MedianBound}");
    }
}
