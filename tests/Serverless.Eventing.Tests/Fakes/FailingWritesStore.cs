using Serverless.Eventing.Storage;

namespace Serverless.Eventing.Tests.Fakes;

/// <summary>A real store whose delivery-outcome writes fail on demand, as on a full disk.</summary>
internal sealed class FailingWritesStore(IEventStore inner) : IEventStore
{
    public bool FailWrites { get; set; }

    public int FailedWrites { get; private set; }

    public Task AppendAsync(IReadOnlyList<NewEvent> events, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.AppendAsync(events, now, cancellationToken);

    public Task<IReadOnlyList<string>> GetTriggersWithDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.GetTriggersWithDueAsync(now, cancellationToken);

    public Task<IReadOnlyList<PendingDelivery>> GetDueAsync(string trigger, DateTimeOffset now, int limit, IReadOnlyCollection<long> exclude, CancellationToken cancellationToken = default) =>
        inner.GetDueAsync(trigger, now, limit, exclude, cancellationToken);

    public Task<DateTimeOffset?> GetNextDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.GetNextDueAsync(now, cancellationToken);

    public Task CompleteAsync(long deliveryId, CancellationToken cancellationToken = default) =>
        Fail() ?? inner.CompleteAsync(deliveryId, cancellationToken);

    public Task RescheduleAsync(long deliveryId, DeliveryPhase phase, int attempts, DateTimeOffset nextAttempt, int? code, string error, CancellationToken cancellationToken = default) =>
        Fail() ?? inner.RescheduleAsync(deliveryId, phase, attempts, nextAttempt, code, error, cancellationToken);

    public Task<int> DropTriggerAsync(string trigger, CancellationToken cancellationToken = default) =>
        inner.DropTriggerAsync(trigger, cancellationToken);

    public Task<DeliveryCounts> CountAsync(CancellationToken cancellationToken = default) =>
        inner.CountAsync(cancellationToken);

    private Task? Fail()
    {
        if (!FailWrites)
        {
            return null;
        }

        FailedWrites++;
        return Task.FromException(new IOException("No space left on device"));
    }
}
