namespace Serverless.Eventing.Delivery;

/// <summary>What to do with a delivery after an attempt.</summary>
internal enum DecisionKind
{
    /// <summary>Delivered (to the subscriber, or to the dead-letter sink): remove it.</summary>
    Done,

    /// <summary>Try the same target again at <see cref="DeliveryDecision.NextAttempt"/>.</summary>
    Retry,

    /// <summary>The subscriber failed for good: send the event to the dead-letter sink now.</summary>
    DeadLetter,

    /// <summary>Nothing more to try: keep it as failed, with the reason.</summary>
    Fail,
}
