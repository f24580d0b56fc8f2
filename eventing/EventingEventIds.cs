namespace Serverless.Eventing;

/// <summary>
/// The event ids of every log message of this assembly, one table so that none is used twice
/// (tests check every assembly's table against its <c>[LoggerMessage]</c> methods).
/// Ranges: 1–9 ingress, 10–29 delivery, 30–39 status.
/// </summary>
internal static class EventingEventIds
{
    public const int StoreFailed = 1;

    public const int RoundFailed = 10;
    public const int TriggerGone = 11;
    public const int AttemptFailed = 12;
    public const int DeadLettered = 13;
    public const int Undeliverable = 14;
    public const int ReplyLoop = 15;
    public const int OutcomeNotStored = 16;
    public const int OutcomeStored = 17;
    public const int RabbitMqConnected = 18;
    public const int RabbitMqConnectionLost = 19;
    public const int RabbitMqRecovered = 20;
    public const int RabbitMqConsumerFailed = 21;
    public const int RabbitMqRecordFailed = 22;
    public const int RabbitMqPublisherReplaced = 23;
    public const int RabbitMqCloseAbandoned = 24;

    public const int StatusWriteFailed = 30;
    public const int StatusWriteSkipped = 31;
}
