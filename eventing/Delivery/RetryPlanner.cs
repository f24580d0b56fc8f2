using Serverless.Core.Defaulting;
using Serverless.Eventing.Storage;

namespace Serverless.Eventing.Delivery;

/// <summary>
/// Decides, after one attempt, whether a delivery is done, retried (and when), dead-lettered or failed. Pure.
/// </summary>
/// <remarks>
/// <c>retry</c> counts the attempts after the first, as Knative: retry 2 makes at most 3 attempts. A subscriber's
/// <c>Retry-After</c> lengthens the wait (never shortens it below the backoff), up to <c>retry-after-max</c>. A
/// dead-letter sink gets the same retry policy; when it too fails for good the delivery is kept as failed rather than
/// dropped, so an operator can see it (metrics, store) and nothing disappears silently.
/// </remarks>
internal static class RetryPlanner
{
    public static DeliveryDecision Decide(
        DeliveryPhase phase,
        int previousAttempts,
        AttemptOutcome outcome,
        EffectiveDelivery delivery,
        TimeSpan? retryAfter,
        TimeSpan retryAfterMax,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var attempts = previousAttempts + 1;
        if (outcome == AttemptOutcome.Accepted)
        {
            return new DeliveryDecision(DecisionKind.Done, phase, attempts, now);
        }

        var retryable = outcome == AttemptOutcome.Retryable || phase == DeliveryPhase.DeadLetter;
        if (retryable && attempts <= delivery.Retry)
        {
            var wait = Backoff.Delay(delivery.BackoffPolicy, delivery.BackoffDelay, attempts);
            if (retryAfter is { } asked && asked > wait)
            {
                wait = asked < retryAfterMax ? asked : (retryAfterMax > wait ? retryAfterMax : wait);
            }

            return new DeliveryDecision(DecisionKind.Retry, phase, attempts, now + wait);
        }

        if (phase == DeliveryPhase.Subscriber && delivery.DeadLetterSink is not null)
        {
            return new DeliveryDecision(DecisionKind.DeadLetter, DeliveryPhase.DeadLetter, 0, now);
        }

        return new DeliveryDecision(DecisionKind.Fail, DeliveryPhase.Failed, attempts, now);
    }
}
