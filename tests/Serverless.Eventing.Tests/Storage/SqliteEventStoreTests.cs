using System.Text;
using Microsoft.Data.Sqlite;
using Serverless.Eventing.Storage;
using Serverless.TestSupport;

namespace Serverless.Eventing.Tests.Storage;

public sealed class SqliteEventStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new("events-store");

    private string DbPath => Path.Combine(_dir.Path, "events.db");

    private static NewEvent Event(string id, params string[] triggers) =>
        new("default", "default", id, "/s", Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"), triggers);

    [Fact]
    public async Task Append_ThenReopen_EveryDeliveryIsStillDue()
    {
        using (var store = SqliteEventStore.Open(DbPath))
        {
            await store.AppendAsync([Event("1", "default/a", "default/b"), Event("2", "default/a")], T0);
        }

        using var reopened = SqliteEventStore.Open(DbPath);
        var due = await reopened.GetDueAsync("default/a", T0, 10, []);

        Assert.Equal(2, due.Count);
        Assert.Equal("{\"id\":\"1\"}", Encoding.UTF8.GetString(due[0].Payload.Span));
        Assert.All(due, d => Assert.Equal(DeliveryPhase.Subscriber, d.Phase));
        Assert.All(due, d => Assert.Equal(0, d.Attempts));
        Assert.Equal(T0, due[0].ReceivedAt);
        Assert.Equal(["default/a", "default/b"], (await reopened.GetTriggersWithDueAsync(T0)).Order());
        Assert.Equal(new DeliveryCounts(3, 0, 0, 2), await reopened.CountAsync());
    }

    [Fact]
    public async Task Reschedule_ThenDue_OnlyAtNextAttempt()
    {
        using var store = SqliteEventStore.Open(DbPath);
        await store.AppendAsync([Event("1", "default/a")], T0);
        var delivery = (await store.GetDueAsync("default/a", T0, 10, []))[0];

        await store.RescheduleAsync(delivery.Id, DeliveryPhase.Subscriber, 1, T0.AddSeconds(2), 500, "boom");

        Assert.Empty(await store.GetDueAsync("default/a", T0.AddSeconds(1), 10, []));
        Assert.Equal(T0.AddSeconds(2), await store.GetNextDueAsync(T0.AddSeconds(1)));
        var again = Assert.Single(await store.GetDueAsync("default/a", T0.AddSeconds(2), 10, []));
        Assert.Equal((1, 500, "boom"), (again.Attempts, again.LastCode, again.LastError));
    }

    [Fact]
    public async Task Complete_LastDelivery_RemovesTheEvent()
    {
        using var store = SqliteEventStore.Open(DbPath);
        await store.AppendAsync([Event("1", "default/a", "default/b")], T0);
        var a = (await store.GetDueAsync("default/a", T0, 10, []))[0];
        var b = (await store.GetDueAsync("default/b", T0, 10, []))[0];

        await store.CompleteAsync(a.Id);
        Assert.Equal(new DeliveryCounts(1, 0, 0, 1), await store.CountAsync());
        await store.CompleteAsync(b.Id);

        Assert.Equal(new DeliveryCounts(0, 0, 0, 0), await store.CountAsync());
    }

    [Fact]
    public async Task Failed_IsKeptButNeverDue()
    {
        using var store = SqliteEventStore.Open(DbPath);
        await store.AppendAsync([Event("1", "default/a")], T0);
        var delivery = (await store.GetDueAsync("default/a", T0, 10, []))[0];

        await store.RescheduleAsync(delivery.Id, DeliveryPhase.DeadLetter, 0, T0, 500, "boom");
        Assert.Equal(DeliveryPhase.DeadLetter, (await store.GetDueAsync("default/a", T0, 10, []))[0].Phase);
        await store.RescheduleAsync(delivery.Id, DeliveryPhase.Failed, 4, T0, 500, "sink down");

        Assert.Empty(await store.GetTriggersWithDueAsync(T0.AddDays(1)));
        Assert.Null(await store.GetNextDueAsync(T0));
        Assert.Equal(new DeliveryCounts(0, 0, 1, 1), await store.CountAsync());
    }

    [Fact]
    public async Task GetDue_ExcludeAndLimit_SkipsInFlightOldestFirst()
    {
        using var store = SqliteEventStore.Open(DbPath);
        await store.AppendAsync([Event("1", "default/a"), Event("2", "default/a"), Event("3", "default/a")], T0);
        var all = await store.GetDueAsync("default/a", T0, 10, []);

        var next = await store.GetDueAsync("default/a", T0, 1, [all[0].Id]);

        Assert.Equal(all[1].Id, Assert.Single(next).Id);
    }

    [Fact]
    public async Task DropTrigger_RemovesItsDeliveriesAndOrphanEvents()
    {
        using var store = SqliteEventStore.Open(DbPath);
        await store.AppendAsync([Event("1", "default/a"), Event("2", "default/a", "default/b")], T0);

        await store.DropTriggerAsync("default/a");

        Assert.Equal(new DeliveryCounts(1, 0, 0, 1), await store.CountAsync());
    }

    [Fact]
    public async Task Append_Concurrent_IsGroupCommitted()
    {
        var commits = 0;
        var writes = 0;
        using var store = SqliteEventStore.Open(DbPath, n =>
        {
            Interlocked.Increment(ref commits);
            Interlocked.Add(ref writes, n);
        });

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => store.AppendAsync([Event(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "default/a")], T0))));

        Assert.Equal(200, writes);
        Assert.True(commits < 200, $"expected fewer commits than writes, got {commits}");
        Assert.Equal(200, (await store.CountAsync()).Subscriber);
    }

    [Fact]
    public async Task Append_Batch_IsAllOrNothing()
    {
        using var store = SqliteEventStore.Open(DbPath);
        // A missing id cannot be stored (NOT NULL): the first event, already inserted, must be rolled back with it.
        var good = Event("ok", "default/a");
        var bad = good with { Id = null! };

        await Assert.ThrowsAsync<IOException>(() => store.AppendAsync([good, bad], T0));
        await store.AppendAsync([Event("later", "default/a")], T0);

        var due = await store.GetDueAsync("default/a", T0, 10, []);
        Assert.Equal("{\"id\":\"later\"}", Encoding.UTF8.GetString(Assert.Single(due).Payload.Span));
    }

    [Fact]
    public async Task Open_FileFromBeforeSchemaVersions_KeepsItsEventsAndRecordsVersionOne()
    {
        // The schema as the store created it before it recorded versions; one event with its delivery waiting.
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE events (id INTEGER PRIMARY KEY, namespace TEXT NOT NULL, broker TEXT NOT NULL, ce_id TEXT NOT NULL,
                    ce_source TEXT NOT NULL, payload BLOB NOT NULL, received_at INTEGER NOT NULL);
                CREATE TABLE deliveries (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL REFERENCES events(id), trigger TEXT NOT NULL,
                    phase INTEGER NOT NULL, attempts INTEGER NOT NULL, next_attempt INTEGER NOT NULL, last_code INTEGER, last_error TEXT,
                    updated_at INTEGER NOT NULL);
                INSERT INTO events VALUES (1, 'default', 'default', 'old', '/s', x'7B7D', 0);
                INSERT INTO deliveries VALUES (1, 1, 'default/a', 0, 0, 0, NULL, NULL, 0);
                """;
            command.ExecuteNonQuery();
        }

        using var store = SqliteEventStore.Open(DbPath);

        Assert.Equal(new DeliveryCounts(1, 0, 0, 1), await store.CountAsync());
        using var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        check.Open();
        using var versions = check.CreateCommand();
        versions.CommandText = "SELECT group_concat(version) FROM schema_version;";
        Assert.Equal("1", versions.ExecuteScalar());
    }

    public void Dispose() => _dir.Dispose();
}
