using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Events;
using Serverless.Eventing.Ingress;
using Serverless.Eventing.Metrics;
using Serverless.Eventing.Routing;
using Serverless.Eventing.Storage;
using Serverless.Eventing.Tests.Fakes;
using Serverless.TestSupport;

namespace Serverless.Eventing.Tests.Contract;

/// <summary>The SQLite backend: a store file in a temp directory and the polling <see cref="DeliveryDispatcher"/>.</summary>
internal sealed class SqliteBackendHarness : IBackendHarness
{
    private readonly TempDirectory _dir = new("events-contract");
    private readonly BrokerOptions _options;
    private readonly string _path;
    private SqliteEventStore _store;
    private DeliveryDispatcher _dispatcher;
    private BrokerIngestor _ingestor;
    private CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public SqliteBackendHarness(BrokerOptions options)
    {
        _options = options;
        _path = Path.Combine(_dir.Path, "events.db");
        Sender = new FakeSender(TimeProvider.System);
        (_store, _ingestor, _dispatcher) = Open();
    }

    public FakeRoutes Routes { get; } = new();

    public FakeSender Sender { get; }

    public BrokerMetrics Metrics { get; } = new(Prometheus.Metrics.NewCustomRegistry());

    private (SqliteEventStore, BrokerIngestor, DeliveryDispatcher) Open()
    {
        var store = SqliteEventStore.Open(_path);
        var sink = new SqliteBrokerSink(store, TimeProvider.System);
        var ingestor = new BrokerIngestor(new Dictionary<string, IBrokerSink> { [BrokerClasses.Sqlite] = sink }, Routes, Metrics);
        var attempt = new DeliveryAttempt(Sender, ingestor, _options, Metrics, TimeProvider.System, NullLogger.Instance);
        var dispatcher = new DeliveryDispatcher(store, Routes, attempt, _options, Metrics, TimeProvider.System, NullLogger<DeliveryDispatcher>.Instance);
        sink.Stored += dispatcher.Wake;
        return (store, ingestor, dispatcher);
    }

    public Task PublishAsync(params BrokerEvent[] events) => _ingestor.IngestAsync("default", "default", events, CancellationToken.None);

    public void Start() => _loop = Task.Run(() => _dispatcher.RunAsync(_stop.Token));

    public async Task RestartAsync()
    {
        await StopAsync();
        _store.Dispose();
        (_store, _ingestor, _dispatcher) = Open();
        _stop = new CancellationTokenSource();
        Start();
    }

    public Task<long> FailedAsync(string triggerName) => CountAsync(triggerName, "phase = 2");

    public Task<long> PendingAsync(string triggerName) => CountAsync(triggerName, "phase < 2");

    private async Task<long> CountAsync(string triggerName, string where)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM deliveries WHERE trigger = $t AND {where};";
        command.Parameters.AddWithValue("$t", TriggerKeys.Of("default", triggerName));
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _store.Dispose();
        _dir.Dispose();
    }
}
