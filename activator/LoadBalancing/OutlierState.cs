namespace Serverless.Activator.LoadBalancing;

/// <summary>What outlier detection remembers of one instance. Not thread-safe: the owning throttler's lock guards it.</summary>
internal sealed class OutlierState
{
    public int ConsecutiveFailures { get; set; }

    /// <summary>Ejections so far; the next one lasts base × 2^count, capped.</summary>
    public int EjectionCount { get; set; }

    /// <summary>Ejected while now is before this; null when never ejected.</summary>
    public DateTimeOffset? EjectedUntil { get; set; }

    /// <summary>Length of the last ejection, used to forget old ejections once the instance has stayed healthy as long.</summary>
    public TimeSpan LastEjection { get; set; }

    public bool IsEjected(DateTimeOffset now) => EjectedUntil is { } until && now < until;
}
