namespace Serverless.Eventing.Storage;

/// <summary>Where a delivery stands; stored as its number, so the values never change.</summary>
internal enum DeliveryPhase
{
    /// <summary>Being sent to the Trigger's subscriber, attempt by attempt.</summary>
    Subscriber = 0,

    /// <summary>The subscriber failed for good; being sent to the dead-letter sink.</summary>
    DeadLetter = 1,

    /// <summary>Terminal: neither the subscriber nor a dead-letter sink took it. Kept, with the reason, for an operator.</summary>
    Failed = 2,
}
