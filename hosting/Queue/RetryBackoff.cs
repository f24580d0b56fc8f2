namespace Serverless.Hosting.Queue;

/// <summary>
/// Per-key exponential backoff, client-go's ItemExponentialFailureRateLimiter:
/// delay = base × 2^failures, capped. With the defaults 5 ms, 10 ms, 20 ms, … reaching the
/// 5-minute cap after 16 failures.
/// </summary>
public sealed record RetryBackoff(TimeSpan Base, TimeSpan Max)
{
    public static RetryBackoff Default { get; } = new(TimeSpan.FromMilliseconds(5), TimeSpan.FromMinutes(5));

    public TimeSpan Delay(int failures)
    {
        if (failures <= 0)
        {
            return Base;
        }

        // 2^30 × base overflows nothing meaningful: anything past ~40 doublings is the cap anyway.
        var factor = Math.Pow(2, Math.Min(failures, 40));
        var ticks = Base.Ticks * factor;
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);
    }
}
