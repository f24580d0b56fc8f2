using Serverless.Core.Api;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Storage;
using Serverless.Eventing.Tests.Fakes;

namespace Serverless.Eventing.Tests.Delivery;

public sealed class RetryPlannerTests
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Destination Sink = new() { Uri = "http://dlq.example/" };

    public static TheoryData<string, DeliveryPhase, int, AttemptOutcome, bool, double?, DecisionKind, DeliveryPhase, int, double> Cases => new()
    {
        // label, phase, previous attempts, outcome, has dead-letter sink, Retry-After s, expected kind, phase, attempts, wait s
        { "accepted", DeliveryPhase.Subscriber, 0, AttemptOutcome.Accepted, false, null, DecisionKind.Done, DeliveryPhase.Subscriber, 1, 0 },
        { "first failure retries after 2x delay", DeliveryPhase.Subscriber, 0, AttemptOutcome.Retryable, false, null, DecisionKind.Retry, DeliveryPhase.Subscriber, 1, 0.4 },
        { "second failure 4x", DeliveryPhase.Subscriber, 1, AttemptOutcome.Retryable, false, null, DecisionKind.Retry, DeliveryPhase.Subscriber, 2, 0.8 },
        { "third failure is the last retry", DeliveryPhase.Subscriber, 2, AttemptOutcome.Retryable, false, null, DecisionKind.Retry, DeliveryPhase.Subscriber, 3, 1.6 },
        { "retries exhausted without sink fail", DeliveryPhase.Subscriber, 3, AttemptOutcome.Retryable, false, null, DecisionKind.Fail, DeliveryPhase.Failed, 4, 0 },
        { "retries exhausted with sink dead-letter", DeliveryPhase.Subscriber, 3, AttemptOutcome.Retryable, true, null, DecisionKind.DeadLetter, DeliveryPhase.DeadLetter, 0, 0 },
        { "rejected goes to sink at once", DeliveryPhase.Subscriber, 0, AttemptOutcome.Rejected, true, null, DecisionKind.DeadLetter, DeliveryPhase.DeadLetter, 0, 0 },
        { "rejected without sink fails", DeliveryPhase.Subscriber, 0, AttemptOutcome.Rejected, false, null, DecisionKind.Fail, DeliveryPhase.Failed, 1, 0 },
        { "retry-after longer than backoff wins", DeliveryPhase.Subscriber, 0, AttemptOutcome.Retryable, false, 3.0, DecisionKind.Retry, DeliveryPhase.Subscriber, 1, 3 },
        { "retry-after shorter keeps backoff", DeliveryPhase.Subscriber, 0, AttemptOutcome.Retryable, false, 0.1, DecisionKind.Retry, DeliveryPhase.Subscriber, 1, 0.4 },
        { "retry-after capped by retry-after-max", DeliveryPhase.Subscriber, 0, AttemptOutcome.Retryable, false, 3600.0, DecisionKind.Retry, DeliveryPhase.Subscriber, 1, 60 },
        { "sink accepted", DeliveryPhase.DeadLetter, 0, AttemptOutcome.Accepted, true, null, DecisionKind.Done, DeliveryPhase.DeadLetter, 1, 0 },
        { "sink failure retried", DeliveryPhase.DeadLetter, 0, AttemptOutcome.Retryable, true, null, DecisionKind.Retry, DeliveryPhase.DeadLetter, 1, 0.4 },
        { "sink rejection retried too", DeliveryPhase.DeadLetter, 1, AttemptOutcome.Rejected, true, null, DecisionKind.Retry, DeliveryPhase.DeadLetter, 2, 0.8 },
        { "sink exhausted is kept as failed", DeliveryPhase.DeadLetter, 3, AttemptOutcome.Retryable, true, null, DecisionKind.Fail, DeliveryPhase.Failed, 4, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_Table_RetriesDeadLettersOrFails(
        string label, DeliveryPhase phase, int previous, AttemptOutcome outcome, bool sink, double? retryAfter,
        DecisionKind kind, DeliveryPhase expectedPhase, int attempts, double waitSeconds)
    {
        var delivery = FakeRoutes.Delivery(retry: 3, delaySeconds: 0.2, deadLetter: sink ? Sink : null);

        var decision = RetryPlanner.Decide(phase, previous, outcome, delivery, retryAfter is { } s ? TimeSpan.FromSeconds(s) : null, TimeSpan.FromMinutes(1), Now);

        Assert.True(decision.Kind == kind, $"{label}: kind {decision.Kind}");
        Assert.True(decision.Phase == expectedPhase, $"{label}: phase {decision.Phase}");
        Assert.True(decision.Attempts == attempts, $"{label}: attempts {decision.Attempts}");
        Assert.True(Math.Abs((decision.NextAttempt - Now).TotalSeconds - waitSeconds) < 1e-6, $"{label}: wait {(decision.NextAttempt - Now).TotalSeconds}");
    }

    [Fact]
    public void Decide_RetryZero_DeadLettersAfterFirstFailure()
    {
        var delivery = FakeRoutes.Delivery(retry: 0, deadLetter: Sink);

        var decision = RetryPlanner.Decide(DeliveryPhase.Subscriber, 0, AttemptOutcome.Retryable, delivery, null, TimeSpan.FromMinutes(1), Now);

        Assert.Equal(DecisionKind.DeadLetter, decision.Kind);
    }
}
