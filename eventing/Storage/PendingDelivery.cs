namespace Serverless.Eventing.Storage;

/// <summary>One due (event, Trigger) delivery with the event's stored structured-mode JSON.</summary>
internal sealed record PendingDelivery(
    long Id,
    long EventId,
    string Trigger,
    DeliveryPhase Phase,
    int Attempts,
    int? LastCode,
    string? LastError,
    DateTimeOffset ReceivedAt,
    ReadOnlyMemory<byte> Payload)
{
    public Delivery.DeliveryState State => new(Phase, Attempts, LastCode, LastError, ReceivedAt, Payload);
}
