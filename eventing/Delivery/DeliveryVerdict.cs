namespace Serverless.Eventing.Delivery;

/// <summary>
/// The outcome of one attempt for the backend to record: the decision, and the code and error to keep with the
/// delivery (for <see cref="DecisionKind.Fail"/>, the reason it is kept as failed).
/// </summary>
internal sealed record DeliveryVerdict(DeliveryDecision Decision, int? Code, string Error);
