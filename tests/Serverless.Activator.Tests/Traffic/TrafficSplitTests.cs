using Serverless.Activator.Traffic;

namespace Serverless.Activator.Tests.Traffic;

/// <summary>The per-request weighted choice between revisions: exact in the long run, spread out, lock-free.</summary>
public sealed class TrafficSplitTests
{
    public static TheoryData<string, string, int> Splits => new()
    {
        // label, weights "a=90,b=10", picks
        { "canary 90/10", "a=90,b=10", 10_000 },
        { "blue/green 50/50", "a=50,b=50", 10_000 },
        { "three ways", "a=50,b=30,c=20", 10_000 },
        { "one percent", "a=99,b=1", 10_000 },
        { "odd counts", "a=33,b=33,c=34", 9_999 },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Pick_TenThousandRequests_SplitWithinOnePointFivePercentAndExactPerHundred(string label, string weights, int picks)
    {
        var parsed = Parse(weights);
        var split = new TrafficSplit(parsed);

        var chosen = Enumerable.Range(0, picks).Select(_ => split.Pick()).ToArray();

        Assert.False(string.IsNullOrEmpty(label));
        foreach (var (revision, weight) in parsed)
        {
            var share = chosen.Count(c => c == revision) * 100.0 / picks;
            Assert.InRange(share, weight - 1.5, weight + 1.5);
        }

        // Exact over every full window of Σweights picks, wherever it starts: the split holds from the first requests.
        var total = parsed.Sum(w => w.Value);
        for (var start = 0; start + total <= Math.Min(picks, 1_000); start += 7)
        {
            var window = chosen.AsSpan(start, total).ToArray();
            Assert.All(parsed, w => Assert.Equal(w.Value, window.Count(c => c == w.Key)));
        }
    }

    [Fact]
    public void Pick_NinetyTen_SpreadsTheCanaryEvenlyNeverTwiceInARow()
    {
        var split = new TrafficSplit(Parse("a=90,b=10"));

        var chosen = Enumerable.Range(0, 1_000).Select(_ => split.Pick()).ToArray();
        var positions = chosen.Select((c, i) => (c, i)).Where(x => x.c == "b").Select(x => x.i).ToArray();

        // One "b" in every ten picks, evenly: the gaps between canary requests are all 10.
        Assert.Equal(100, positions.Length);
        Assert.All(positions.Zip(positions.Skip(1), (x, y) => y - x), gap => Assert.Equal(10, gap));
    }

    [Fact]
    public async Task Pick_FromManyThreads_KeepsTheExactCount()
    {
        var split = new TrafficSplit(Parse("a=90,b=10"));
        var counts = new int[2];

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 25_000; i++)
            {
                Interlocked.Increment(ref counts[split.Pick() == "a" ? 0 : 1]);
            }
        })));

        Assert.Equal((90_000, 10_000), (counts[0], counts[1]));
    }

    [Fact]
    public void Pick_OneRevision_AlwaysIt()
    {
        var split = new TrafficSplit(Parse("a=100"));

        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal("a", split.Pick()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a=0")]
    [InlineData("a=90,b=0")]
    public void New_EmptyOrZeroWeight_Refused(string weights)
    {
        Assert.Throws<ArgumentException>(() => new TrafficSplit(weights.Length == 0 ? [] : Parse(weights)));
    }

    private static List<KeyValuePair<string, int>> Parse(string weights) =>
        weights.Split(',').Select(w => w.Split('=')).Select(p => new KeyValuePair<string, int>(p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();
}
