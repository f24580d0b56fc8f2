using Serverless.Activator.Configuration;

namespace Serverless.Activator.LoadBalancing;

/// <summary>
/// Envoy-style consecutive-failure outlier detection, pure: N failures in a row (connect errors or 5xx)
/// eject an instance for base × 2^(ejections so far), capped at a maximum (30 s, 60 s, 120 s, … 300 s
/// with the defaults). The caller says whether ejecting is allowed, so the last usable instance is
/// never ejected: a degraded instance beats answering 503 for all.
/// </summary>
internal sealed class OutlierDetector
{
    private readonly int _consecutiveFailures;
    private readonly TimeSpan _baseEjection;
    private readonly TimeSpan _maxEjection;

    public OutlierDetector(int consecutiveFailures, TimeSpan baseEjection, TimeSpan maxEjection)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(consecutiveFailures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseEjection, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEjection, baseEjection);
        _consecutiveFailures = consecutiveFailures;
        _baseEjection = baseEjection;
        _maxEjection = maxEjection;
    }

    public static OutlierDetector From(ActivatorOptions options) =>
        new(options.OutlierConsecutiveFailures, options.OutlierBaseEjectionTime, options.OutlierMaxEjectionTime);

    /// <summary>
    /// A success ends the failure streak. The ejection count is forgotten once the instance has served
    /// healthily past its last ejection for as long again as that ejection lasted, as Envoy decays its multiplier.
    /// </summary>
    public void RecordSuccess(OutlierState state, DateTimeOffset now)
    {
        state.ConsecutiveFailures = 0;
        if (state.EjectedUntil is { } until && now >= until + state.LastEjection)
        {
            state.EjectionCount = 0;
        }
    }

    /// <summary>
    /// Counts a failure; returns the ejection's end when this failure ejected the instance. A <paramref name="refused"/>
    /// connection ejects at once: nothing listens there, and every request sent meanwhile would fail the same way.
    /// </summary>
    public DateTimeOffset? RecordFailure(OutlierState state, DateTimeOffset now, bool mayEject, bool refused = false)
    {
        if (state.IsEjected(now))
        {
            return null; // a request that was in flight when the instance got ejected
        }

        state.ConsecutiveFailures++;
        if ((state.ConsecutiveFailures < _consecutiveFailures && !refused) || !mayEject)
        {
            return null;
        }

        var duration = EjectionTime(state.EjectionCount);
        state.EjectionCount++;
        state.ConsecutiveFailures = 0;
        state.LastEjection = duration;
        state.EjectedUntil = now + duration;
        return state.EjectedUntil;
    }

    /// <summary>base × 2^previous, capped; the shift is bounded so it cannot overflow.</summary>
    public TimeSpan EjectionTime(int previousEjections)
    {
        var factor = Math.Pow(2, Math.Min(previousEjections, 30));
        var ticks = Math.Min(_baseEjection.Ticks * factor, _maxEjection.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
