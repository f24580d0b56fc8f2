namespace Serverless.Autoscaler.Scaling;

/// <summary>
/// One function's metric (concurrency or requests/s) in one-second buckets, averaged over the stable and the panic
/// window at a given time, as Knative's <c>aggregation.TimedFloat64Buckets</c> does. Time is only ever passed in, so
/// the window is as deterministic as its callers.
/// </summary>
/// <remarks>
/// Averaging rules, with the default 60 s / 6 s windows:
/// <list type="bullet">
/// <item>Samples falling into the same second are averaged into one bucket (a report that arrives twice does not
/// double the load). Samples from several reporters of one function must be summed by the caller first.</item>
/// <item>A second without a sample counts as 0: the activator reports idle functions by not reporting them.</item>
/// <item>Before a full window has elapsed since the first sample, the average covers only the seconds since then, so a
/// cold window is not diluted by seconds nobody was watching: 10 s of 50 after the first sample average 50, not 8.3.</item>
/// </list>
/// Not thread-safe: one owner records and reads (the shell's per-function tick).
/// </remarks>
internal sealed class MetricWindow
{
    private readonly long _bucketTicks;
    private readonly int _stableBuckets;
    private readonly int _panicBuckets;
    private readonly long[] _index;
    private readonly double[] _sum;
    private readonly int[] _count;
    private long? _firstIndex;

    public MetricWindow(TimeSpan stableWindow, TimeSpan panicWindow)
        : this(stableWindow, panicWindow, TimeSpan.FromSeconds(1))
    {
    }

    public MetricWindow(TimeSpan stableWindow, TimeSpan panicWindow, TimeSpan granularity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(granularity, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(stableWindow, granularity);
        ArgumentOutOfRangeException.ThrowIfLessThan(panicWindow, granularity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(panicWindow, stableWindow);

        _bucketTicks = granularity.Ticks;
        _stableBuckets = (int)Math.Ceiling((double)stableWindow.Ticks / _bucketTicks);
        _panicBuckets = (int)Math.Ceiling((double)panicWindow.Ticks / _bucketTicks);
        _index = new long[_stableBuckets];
        Array.Fill(_index, long.MinValue);
        _sum = new double[_stableBuckets];
        _count = new int[_stableBuckets];
    }

    /// <summary>Adds a sample taken at <paramref name="time"/>; one older than the stable window before the newest data is dropped.</summary>
    public void Record(DateTimeOffset time, double value)
    {
        if (BucketFor(time, value) is { } slot)
        {
            _sum[slot] += value;
            _count[slot]++;
        }
    }

    /// <summary>
    /// Makes <paramref name="value"/> the whole of the second of <paramref name="time"/>, replacing what it held: for
    /// a caller that has already combined every reporter of that second (and may combine it again as reports arrive).
    /// </summary>
    public void Set(DateTimeOffset time, double value)
    {
        if (BucketFor(time, value) is { } slot)
        {
            _sum[slot] = value;
            _count[slot] = 1;
        }
    }

    /// <summary>The slot of the second of <paramref name="time"/>, emptied when it held an older second; null when the sample is out of every window.</summary>
    private int? BucketFor(DateTimeOffset time, double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        var index = IndexOf(time);
        if (_firstIndex is { } first && index < first)
        {
            if (index <= MaxIndex() - _stableBuckets)
            {
                return null;
            }

            _firstIndex = index;
        }

        _firstIndex ??= index;
        var slot = Slot(index);
        if (_index[slot] != index)
        {
            if (_index[slot] > index)
            {
                return null; // the slot already holds a newer second: this sample is out of every window
            }

            _index[slot] = index;
            _sum[slot] = 0;
            _count[slot] = 0;
        }

        return slot;
    }

    /// <summary>The stable and panic averages as of <paramref name="now"/>; <see cref="WindowAverages.HasData"/> is false before the first sample.</summary>
    public WindowAverages Averages(DateTimeOffset now)
    {
        if (_firstIndex is not { } first)
        {
            return WindowAverages.NoData;
        }

        var nowIndex = IndexOf(now);
        if (nowIndex < first)
        {
            return WindowAverages.NoData;
        }

        return new WindowAverages(Average(nowIndex, first, _stableBuckets), Average(nowIndex, first, _panicBuckets), HasData: true);
    }

    private double Average(long nowIndex, long first, int buckets)
    {
        var from = Math.Max(nowIndex - buckets + 1, first);
        double total = 0;
        for (var index = from; index <= nowIndex; index++)
        {
            var slot = Slot(index);
            if (_index[slot] == index)
            {
                total += _sum[slot] / _count[slot];
            }
        }

        return total / (nowIndex - from + 1);
    }

    private long MaxIndex()
    {
        var max = long.MinValue;
        foreach (var index in _index)
        {
            max = Math.Max(max, index);
        }

        return max;
    }

    private long IndexOf(DateTimeOffset time) => time.UtcTicks / _bucketTicks;

    private int Slot(long index) => (int)(index % _stableBuckets);
}
