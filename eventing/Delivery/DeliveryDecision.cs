using Serverless.Eventing.Storage;

namespace Serverless.Eventing.Delivery;

/// <summary>The decision and the state to store with it.</summary>
internal sealed record DeliveryDecision(DecisionKind Kind, DeliveryPhase Phase, int Attempts, DateTimeOffset NextAttempt);
