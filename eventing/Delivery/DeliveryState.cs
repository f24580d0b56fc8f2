using Serverless.Eventing.Storage;

namespace Serverless.Eventing.Delivery;

/// <summary>What every backend keeps of one (event, Trigger) delivery between attempts: the stored event bytes and where it stands.</summary>
internal sealed record DeliveryState(
    DeliveryPhase Phase,
    int Attempts,
    int? LastCode,
    string? LastError,
    DateTimeOffset ReceivedAt,
    ReadOnlyMemory<byte> Payload);
