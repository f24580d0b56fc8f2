using Serverless.Core.Api;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Storage;
using Serverless.Eventing.Tests.Fakes;

namespace Serverless.Eventing.Tests.Delivery;

public sealed class RetryPlannerTests
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Destination Sink = new() { Uri = "http://dlq.example/" };

    public static TheoryData<string, string, int, string, bool, double?, string, string, int, double> Cases => new()
    {
        // Enum values by name: the enums are internal, and a public test method cannot take them.
        // label, phase, previous attempts, outcome, has dead-letter sink, Retry-After s, expected kind, phase, attempts, wait s
        { "accepted", nameof(DeliveryPhase.Subscriber), 0, nameof(AttemptOutcome.Accepted), false, null, nameof(DecisionKind.Done), nameof(DeliveryPhase.Subscriber), 1, 0 },
        { "first failure retries after 2x delay", nameof(DeliveryPhase.Subscriber), 0, nameof(AttemptOutcome.Retryable), false, null, nameof(DecisionKind.Retry), nameof(DeliveryPhase.Subscriber), 1, 0.4 },
        { "second failure 4x", nameof(DeliveryPhase.Subscriber), 1, nameof(AttemptOutcome.Retryable), false, null, nameof(DecisionKind.Retry), nameof(DeliveryPhase.Subscriber), 2, 0.8 },
        { "third failure is the last retry", nameof(DeliveryPhase.Subscriber), 2, nameof(AttemptOutcome.Retryable), false, null, nameof(DecisionKind.Retry), nameof(DeliveryPhase.Subscriber), 3, 1.6 },
        { "retries exhausted without sink fail", nameof(DeliveryPhase.Subscriber), 3, nameof(AttemptOutcome.Retryable), false, null, nameof(DecisionKind.Fail), nameof(DeliveryPhase.Failed), 4, 0 },
        { "retries exhausted with sink dead-letter", nameof(DeliveryPhase.Subscriber), 3, nameof(AttemptOutcome.Retryable), true, null, nameof(DecisionKind.DeadLetter), nameof(DeliveryPhase.DeadLetter), 0, 0 },
        { "rejected goes to sink at once", nameof(DeliveryPhase.Subscriber), 0, nameof(AttemptOutcome.Rejected), true, null, nameof(DecisionKind.DeadLetter), nameof(DeliveryPhase.DeadLetter), 0, 0 },
        { "rejected without sink fails", nameof(DeliveryPhase.Subscriber), 0, nameof(AttemptOutcome.Rejected), false, null, nameof(DecisionKind.Fail), nameof(DeliveryPhase.Failed), 1, 0 },
        { "retry-after longer than backoff wins", nameof(DeliveryPhase.Subscriber), 0, nameof(AttemptOutcome.Retryable), false, 3.0, nameof(DecisionKind.Retry), nameof(DeliveryPhase.Subscriber), 1, 3 },
        { "retry-after shorter keeps backoff", nameof(DeliveryPhase.Subscriber), 0, nameof(AttemptOutcome.Retryable), false, 0.1, nameof(DecisionKind.Retry), nameof(DeliveryPhase.Subscriber), 1, 0.4 },
        { "retry-after capped by retry-after-max", nameof(DeliveryPhase.Subscriber), 0, nameof(AttemptOutcome.Retryable), false, 3600.0, nameof(DecisionKind.Retry), nameof(DeliveryPhase.Subscriber), 1, 60 },
        { "sink accepted", nameof(DeliveryPhase.DeadLetter), 0, nameof(AttemptOutcome.Accepted), true, null, nameof(DecisionKind.Done), nameof(DeliveryPhase.DeadLetter), 1, 0 },
        { "sink failure retried", nameof(DeliveryPhase.DeadLetter), 0, nameof(AttemptOutcome.Retryable), true, null, nameof(DecisionKind.Retry), nameof(DeliveryPhase.DeadLetter), 1, 0.4 },
        { "sink rejection retried too", nameof(DeliveryPhase.DeadLetter), 1, nameof(AttemptOutcome.Rejected), true, null, nameof(DecisionKind.Retry), nameof(DeliveryPhase.DeadLetter), 2, 0.8 },
        { "sink exhausted is kept as failed", nameof(DeliveryPhase.DeadLetter), 3, nameof(AttemptOutcome.Retryable), true, null, nameof(DecisionKind.Fail), nameof(DeliveryPhase.Failed), 4, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_Table_RetriesDeadLettersOrFails(
        string label, string phaseName, int previous, string outcomeName, bool sink, double? retryAfter,
        string kindName, string expectedPhaseName, int attempts, double waitSeconds)
    {
        var (phase, outcome) = (Enum.Parse<DeliveryPhase>(phaseName), Enum.Parse<AttemptOutcome>(outcomeName));
        var (kind, expectedPhase) = (Enum.Parse<DecisionKind>(kindName), Enum.Parse<DeliveryPhase>(expectedPhaseName));
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
