using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Events;
using Serverless.Eventing.Ingress;
using Serverless.Eventing.Metrics;
using Serverless.Eventing.Routing;
using Serverless.Eventing.Storage;
using Serverless.Eventing.Tests.Fakes;
using Serverless.TestSupport;

namespace Serverless.Eventing.Tests.Delivery;

/// <summary>A dispatcher over a real SQLite store in a temp directory, fake routes and sender, on virtual time.</summary>
internal sealed class DispatcherHarness : IDisposable
{
    private readonly TempDirectory _dir = new("events-dispatch");

    public DispatcherHarness(BrokerOptions? options = null)
    {
        Options = options ?? new BrokerOptions();
        Store = SqliteEventStore.Open(Path.Combine(_dir.Path, "events.db"));
        Writes = new FailingWritesStore(Store);
        Sender = new FakeSender(Time);
        Metrics = new BrokerMetrics(Prometheus.Metrics.NewCustomRegistry());
        Ingestor = new BrokerIngestor(new Dictionary<string, IBrokerSink> { [BrokerClasses.Sqlite] = new SqliteBrokerSink(Store, Time) }, Routes, Metrics);
        var attempt = new DeliveryAttempt(Sender, Ingestor, Options, Metrics, Time, NullLogger<DeliveryAttempt>.Instance);
        Dispatcher = new DeliveryDispatcher(Writes, Routes, attempt, Options, Metrics, Time, NullLogger<DeliveryDispatcher>.Instance);
    }

    /// <summary>The store as the dispatcher sees it: its outcome writes fail while <see cref="FailingWritesStore.FailWrites"/>.</summary>
    public FailingWritesStore Writes { get; }

    public ManualTimeProvider Time { get; } = new();

    public DateTimeOffset Start { get; } = new ManualTimeProvider().UtcNow;

    public BrokerOptions Options { get; }

    public SqliteEventStore Store { get; }

    public FakeRoutes Routes { get; } = new();

    public FakeSender Sender { get; }

    public BrokerMetrics Metrics { get; }

    public BrokerIngestor Ingestor { get; }

    public DeliveryDispatcher Dispatcher { get; }

    public Task PublishAsync(params BrokerEvent[] events) => Ingestor.IngestAsync("default", "default", events, CancellationToken.None);

    /// <summary>Dispatch rounds until none starts anything, each waiting for its attempts; bounded to 100 rounds.</summary>
    public async Task<int> RunDueAsync()
    {
        var total = 0;
        for (var round = 0; round < 100; round++)
        {
            var started = await Dispatcher.DispatchDueAsync(CancellationToken.None);
            await Dispatcher.WhenIdleAsync();
            if (started == 0)
            {
                return total;
            }

            total += started;
        }

        throw new InvalidOperationException("dispatch did not settle in 100 rounds");
    }

    /// <summary>Moves the clock to <paramref name="offset"/> after the start and runs what is due.</summary>
    public Task<int> AtAsync(TimeSpan offset)
    {
        Time.UtcNow = Start + offset;
        return RunDueAsync();
    }

    public void Dispose()
    {
        Store.Dispose();
        _dir.Dispose();
    }
}
