using Serverless.Core.Defaulting;

namespace Serverless.Eventing.Delivery;

/// <summary>
/// Knative's retry backoff: before retry n (1 for the first retry), <c>exponential</c> waits
/// <c>backoffDelay × 2^n</c> and <c>linear</c> waits <c>backoffDelay × n</c>. With PT0.2S: exponential 0.4 s, 0.8 s,
/// 1.6 s; linear 0.2 s, 0.4 s, 0.6 s. Capped at <see cref="Max"/> so a large retry count cannot overflow.
/// </summary>
internal static class Backoff
{
    /// <summary>Longest wait before one retry: one day.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(1);

    public static TimeSpan Delay(string policy, TimeSpan delay, int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var factor = policy == BackoffPolicyNames.Linear ? retry : Math.Pow(2, Math.Min(retry, 62));
        var ticks = delay.Ticks * factor;
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);
    }
}
