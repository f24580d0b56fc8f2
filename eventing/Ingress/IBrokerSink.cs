using Serverless.Eventing.Storage;

namespace Serverless.Eventing.Ingress;

/// <summary>
/// Where a broker class keeps accepted events: the ingress half of a backend. The delivery half pushes each delivery
/// through the one <see cref="Delivery.DeliveryAttempt"/>, so retry, backoff, dead letter and replies are the same on
/// every backend.
/// </summary>
internal interface IBrokerSink
{
    /// <summary>
    /// Keeps the events, each with one delivery per Trigger it names. A completed task means durable (the ingress
    /// answers 202 after it); <see cref="IOException"/> means not kept, the client should send again (503).
    /// </summary>
    Task PublishAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken);
}
