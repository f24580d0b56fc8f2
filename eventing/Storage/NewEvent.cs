namespace Serverless.Eventing.Storage;

/// <summary>
/// An accepted event to store: its identity, the structured-mode JSON it is kept as, and the Triggers
/// (<c>{namespace}/{name}</c>) it is to be delivered to, one delivery each.
/// </summary>
internal sealed record NewEvent(
    string Namespace,
    string Broker,
    string Id,
    string Source,
    ReadOnlyMemory<byte> Payload,
    IReadOnlyList<string> Triggers);
