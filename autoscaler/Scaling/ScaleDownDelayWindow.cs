using System.Collections.Immutable;

namespace Serverless.Autoscaler.Scaling;

/// <summary>
/// Knative's scale-down delay (<c>pkg/autoscaler/aggregation/max.TimeWindow</c>): the highest count decided in the
/// last <c>scale-down-delay</c>, in buckets of one tick, so a lower count is taken only once every decision of the
/// delay has wanted it. Immutable, like the rest of <see cref="KpaState"/>: <see cref="Record"/> returns the next window.
/// </summary>
/// <remarks>
/// Only the counts that can still become the maximum are kept (a count followed by a higher one never will), in
/// decreasing order, so the window holds a few entries whatever its length.
/// </remarks>
internal sealed class ScaleDownDelayWindow
{
    private readonly ImmutableArray<(long Bucket, int Count)> _candidates;

    private ScaleDownDelayWindow(ImmutableArray<(long Bucket, int Count)> candidates) => _candidates = candidates;

    public static ScaleDownDelayWindow Empty { get; } = new(ImmutableArray<(long, int)>.Empty);

    /// <summary>The highest count recorded within the delay; 0 when nothing is.</summary>
    public int Current => _candidates.IsEmpty ? 0 : _candidates[0].Count;

    /// <summary>
    /// Records <paramref name="count"/> decided at <paramref name="now"/> and forgets what is older than
    /// <paramref name="delay"/>, counted in whole buckets of <paramref name="granularity"/> (the tick) as Knative does:
    /// with a 5 min delay and a 2 s tick a count stays for 150 buckets.
    /// </summary>
    public ScaleDownDelayWindow Record(DateTimeOffset now, int count, TimeSpan delay, TimeSpan granularity)
    {
        var bucket = now.ToUnixTimeSeconds() / Math.Max(1, (long)granularity.TotalSeconds);
        var buckets = (long)Math.Ceiling(delay / granularity);
        var builder = ImmutableArray.CreateBuilder<(long Bucket, int Count)>(_candidates.Length + 1);
        foreach (var candidate in _candidates)
        {
            if (candidate.Bucket > bucket - buckets && candidate.Count > count)
            {
                builder.Add(candidate);
            }
        }

        builder.Add((bucket, count));
        return new ScaleDownDelayWindow(builder.ToImmutable());
    }
}
