namespace Serverless.Eventing.Storage;

/// <summary>Stored deliveries by phase, for metrics and tests.</summary>
internal sealed record DeliveryCounts(long Subscriber, long DeadLetter, long Failed, long Events)
{
    /// <summary>Deliveries that will still be attempted.</summary>
    public long Pending => Subscriber + DeadLetter;
}
