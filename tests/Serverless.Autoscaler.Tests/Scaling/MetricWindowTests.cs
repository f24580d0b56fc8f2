using Serverless.Autoscaler.Scaling;
using static Serverless.Autoscaler.Tests.Scaling.KpaTestInputs;

namespace Serverless.Autoscaler.Tests.Scaling;

public sealed class MetricWindowTests
{
    private static MetricWindow Window() => new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(6));

    private static void RecordEachSecond(MetricWindow window, int from, int to, Func<int, double> value)
    {
        for (var t = from; t <= to; t++)
        {
            window.Record(T0.AddSeconds(t), value(t));
        }
    }

    [Fact]
    public void Averages_BeforeAnySample_HasNoData()
    {
        Assert.False(Window().Averages(T0).HasData);
    }

    [Fact]
    public void Averages_ConstantLoadOverFullWindow_EqualsTheLoad()
    {
        var window = Window();
        RecordEachSecond(window, 0, 119, _ => 42);

        var averages = window.Averages(T0.AddSeconds(119));

        Assert.Equal(42, averages.Stable, precision: 9);
        Assert.Equal(42, averages.Panic, precision: 9);
    }

    [Fact]
    public void Averages_WindowNotYetFull_CoversOnlySecondsSinceFirstSample()
    {
        var window = Window();
        RecordEachSecond(window, 0, 9, _ => 50);

        var averages = window.Averages(T0.AddSeconds(9));

        Assert.Equal(50, averages.Stable, precision: 9);
    }

    [Fact]
    public void Averages_RecentBurst_PanicSeesItAllStableDilutesIt()
    {
        var window = Window();
        RecordEachSecond(window, 0, 59, t => t >= 54 ? 600 : 0);

        var averages = window.Averages(T0.AddSeconds(59));

        Assert.Equal(600, averages.Panic, precision: 9);
        Assert.Equal(60, averages.Stable, precision: 9); // 6 × 600 over 60 s
    }

    [Fact]
    public void Averages_SecondsWithoutSamples_CountAsZero()
    {
        var window = Window();
        window.Record(T0, 60);
        window.Record(T0.AddSeconds(5), 60);

        var averages = window.Averages(T0.AddSeconds(5));

        Assert.Equal(20, averages.Stable, precision: 9); // 120 over 6 seconds
    }

    [Fact]
    public void Averages_TwoSamplesInOneSecond_AreAveragedNotAdded()
    {
        var window = Window();
        window.Record(T0.AddMilliseconds(100), 10);
        window.Record(T0.AddMilliseconds(900), 30);

        Assert.Equal(20, window.Averages(T0.AddMilliseconds(999)).Stable, precision: 9);
    }

    [Fact]
    public void Averages_LoadOlderThanStableWindow_IsForgotten()
    {
        var window = Window();
        RecordEachSecond(window, 0, 29, _ => 100);

        Assert.True(window.Averages(T0.AddSeconds(88)).Stable > 0);
        Assert.Equal(0, window.Averages(T0.AddSeconds(89)).Stable);
        Assert.True(window.Averages(T0.AddSeconds(89)).HasData);
    }

    [Fact]
    public void Record_SampleOlderThanWindow_IsDropped()
    {
        var window = Window();
        RecordEachSecond(window, 100, 159, _ => 10);
        window.Record(T0.AddSeconds(50), 1000);

        Assert.Equal(10, window.Averages(T0.AddSeconds(159)).Stable, precision: 9);
    }

    [Fact]
    public void Record_LateSampleWithinWindow_IsCounted()
    {
        var window = Window();
        window.Record(T0.AddSeconds(10), 60);
        window.Record(T0.AddSeconds(5), 60);

        Assert.Equal(20, window.Averages(T0.AddSeconds(10)).Stable, precision: 9); // 120 over seconds 5..10
    }

    [Fact]
    public void Record_NegativeValue_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Window().Record(T0, -1));
    }
}
