namespace Serverless.Eventing.Storage;

/// <summary>
/// Durable storage of accepted events and their per-Trigger delivery state. The local implementation is SQLite
/// (<see cref="SqliteEventStore"/>); a cluster backend (e.g. RabbitMQ, as Knative's RabbitMQ broker) implements the same.
/// </summary>
/// <remarks>
/// Thread-safe. A task returned by a write completes only once the change is durable, so a caller may acknowledge
/// (202) or forget an attempt after it. Nothing is kept "in flight": after a crash every undelivered delivery is
/// simply due again, which makes delivery at least once.
/// </remarks>
internal interface IEventStore
{
    /// <summary>Stores the events and their deliveries, due now, all or nothing.</summary>
    Task AppendAsync(IReadOnlyList<NewEvent> events, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Triggers with at least one delivery due at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<string>> GetTriggersWithDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> due deliveries of one Trigger, oldest due first, skipping <paramref name="exclude"/>.</summary>
    Task<IReadOnlyList<PendingDelivery>> GetDueAsync(
        string trigger, DateTimeOffset now, int limit, IReadOnlyCollection<long> exclude, CancellationToken cancellationToken = default);

    /// <summary>The earliest time a delivery not yet due becomes due, or null when none waits.</summary>
    Task<DateTimeOffset?> GetNextDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The delivery is done (delivered or dead-lettered): it is removed, and its event once no delivery needs it.</summary>
    Task CompleteAsync(long deliveryId, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt and when to try again, in <paramref name="phase"/> with its attempt count.</summary>
    Task RescheduleAsync(long deliveryId, DeliveryPhase phase, int attempts, DateTimeOffset nextAttempt, int? code, string error, CancellationToken cancellationToken = default);

    /// <summary>Removes every delivery of a Trigger that no longer exists.</summary>
    Task<int> DropTriggerAsync(string trigger, CancellationToken cancellationToken = default);

    Task<DeliveryCounts> CountAsync(CancellationToken cancellationToken = default);
}
