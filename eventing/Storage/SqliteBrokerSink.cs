using Serverless.Eventing.Ingress;

namespace Serverless.Eventing.Storage;

/// <summary>The SQLite backend's ingress: one group-committed append per request; the polling dispatcher delivers.</summary>
internal sealed class SqliteBrokerSink(IEventStore store, TimeProvider time) : IBrokerSink
{
    /// <summary>Raised after events were stored (the dispatcher wakes on it).</summary>
    public event Action? Stored;

    public async Task PublishAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        await store.AppendAsync(events, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        Stored?.Invoke();
    }
}
