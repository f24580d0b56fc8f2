using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Serialization;

namespace Serverless.Backends.Local.Storage;

/// <summary>
/// <see cref="IResourceStore{T}"/> of one kind over <see cref="SqliteDatabase"/>, with Kubernetes'
/// semantics: store-assigned identity, optimistic concurrency on resourceVersion, generation
/// bumped by spec changes only, status through its own write, and watches that resume from a
/// version or fail with Expired (410 Gone).
/// </summary>
/// <remarks>
/// Thread-safe. Objects are stored and handed out as JSON, so every returned object is a fresh
/// copy. A write that would store exactly what is stored already writes nothing and notifies
/// nobody, as the API server does, so a controller rewriting an unchanged status does not wake
/// itself up. Deletion is immediate: finalizers are stored but do not hold a deletion back.
/// </remarks>
internal sealed class SqliteResourceStore<T> : IResourceStore<T>, IDisposable where T : class, IResource
{
    private readonly SqliteDatabase _database;
    private readonly string _kind;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WatchBroadcaster _watchers;
    private int _disposed;

    public SqliteResourceStore(SqliteDatabase database, string kind, TimeProvider time, ILogger logger, SqliteStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options ??= new SqliteStoreOptions();
        options.Validate();
        _database = database;
        _kind = kind;
        _time = time;
        _logger = logger;
        database.RegisterKind(kind);

        // Changes committed before this store existed are not in its history: a watch from a
        // version before now has expired. Nothing of this kind is written meanwhile, since this
        // store is the only writer of its kind.
        _watchers = new WatchBroadcaster(database.CurrentVersion, options.HistorySize, options.WatchBufferSize);
    }

    public string Kind => _kind;

    /// <summary>Watches currently registered; lets tests know a watch is live before writing.</summary>
    internal int WatcherCount => _watchers.WatcherCount;

    public Task<T?> GetAsync(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(name);
        cancellationToken.ThrowIfCancellationRequested();
        var json = _database.Read(
            $"get {_kind} {@namespace}/{name}",
            (connection, transaction) => ResourceRows.SelectJson(connection, transaction, _kind, @namespace, name));
        return Task.FromResult(json is null ? null : Deserialize(json));
    }

    public Task<ResourceList<T>> ListAsync(string? @namespace = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        @namespace = AllNamespacesWhenEmpty(@namespace);
        var (rows, version) = _database.Read(
            $"list {_kind}",
            (connection, transaction) =>
            {
                var rows = ResourceRows.SelectJsonList(connection, transaction, _kind, @namespace);

                // In the same read transaction: the version the snapshot is at.
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "SELECT value FROM counters WHERE name = $name;";
                command.Parameters.AddWithValue("$name", SqliteSchema.ResourceVersionCounter);
                return (rows, Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
            });
        var items = rows.Select(Deserialize).ToList();
        return Task.FromResult(new ResourceList<T>(items, FormatVersion(version)));
    }

    public async Task<T> CreateAsync(T resource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var (ns, name) = RequireKey(resource, "create");
        var created = ResourceWriteRules.ForCreate(resource, Guid.NewGuid(), _time.GetUtcNow());
        var outcome = await _database.WriteAsync(
            $"create {_kind} {ns}/{name}",
            write =>
            {
                if (ResourceRows.SelectJson(write.Connection, write.Transaction, _kind, ns, name) is not null)
                {
                    throw new StoreException(StoreErrorKind.AlreadyExists, $"{_kind} {ns}/{name} already exists");
                }

                var version = write.NextVersion();
                created.Metadata.ResourceVersion = FormatVersion(version);
                var json = ResourceJson.Serialize(created);
                ResourceRows.Insert(write, _kind, ns, name, created.Metadata.Uid, version, created.Metadata.Generation ?? 1, json);
                return new WriteOutcome(json, new WatchRecord(version, WatchEventType.Added, ns, json));
            },
            Publish,
            cancellationToken).ConfigureAwait(false);
        return Deserialize(outcome.Json);
    }

    public Task<T> ReplaceAsync(T resource, CancellationToken cancellationToken = default) =>
        UpdateAsync(resource, "replace", ResourceWriteRules.ForReplace, cancellationToken);

    public Task<T> ReplaceStatusAsync(T resource, CancellationToken cancellationToken = default) =>
        UpdateAsync(resource, "replace status of", ResourceWriteRules.ForReplaceStatus, cancellationToken);

    public async Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(name);
        var outcome = await _database.WriteAsync(
            $"delete {_kind} {@namespace}/{name}",
            write =>
            {
                var storedJson = ResourceRows.SelectJson(write.Connection, write.Transaction, _kind, @namespace, name);
                if (storedJson is null)
                {
                    return null;
                }

                // The deletion is a change of its own with its own version, as in Kubernetes: a
                // watcher resuming from the last Modified still sees it.
                var last = Deserialize(storedJson);
                if (last.Metadata.Finalizers is { Count: > 0 })
                {
                    // Finalizers hold it: it is marked (deletionTimestamp, generation + 1) and goes when the last one
                    // is removed (UpdateAsync). Deleting a marked object again changes nothing.
                    if (last.Metadata.DeletionTimestamp is not null)
                    {
                        return new WriteOutcome(storedJson, null);
                    }

                    var markedVersion = write.NextVersion();
                    last.Metadata.DeletionTimestamp = ResourceWriteRules.WholeSeconds(_time.GetUtcNow());
                    last.Metadata.DeletionGracePeriodSeconds = 0;
                    last.Metadata.Generation = (last.Metadata.Generation ?? 0) + 1;
                    last.Metadata.ResourceVersion = FormatVersion(markedVersion);
                    var markedJson = ResourceJson.Serialize(last);
                    ResourceRows.Update(write, _kind, @namespace, name, markedVersion, last.Metadata.Generation ?? 1, markedJson);
                    return new WriteOutcome(markedJson, new WatchRecord(markedVersion, WatchEventType.Modified, @namespace, markedJson));
                }

                var version = write.NextVersion();
                last.Metadata.ResourceVersion = FormatVersion(version);
                ResourceRows.Delete(write, _kind, @namespace, name);
                var json = ResourceJson.Serialize(last);
                return new WriteOutcome(json, new WatchRecord(version, WatchEventType.Deleted, @namespace, json));
            },
            Publish,
            cancellationToken).ConfigureAwait(false);
        return outcome is not null;
    }

    public async IAsyncEnumerable<ResourceEvent<T>> WatchAsync(
        string? @namespace,
        string resourceVersion,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resourceVersion);
        @namespace = AllNamespacesWhenEmpty(@namespace);
        var start = await StartWatchAsync(@namespace, resourceVersion, cancellationToken).ConfigureAwait(false);
        if (start is null)
        {
            yield break;
        }

        using var subscription = start.Value.Subscription;
        foreach (var json in start.Value.Initial)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            yield return new ResourceEvent<T>(WatchEventType.Added, Deserialize(json));
        }

        var reader = subscription.Reader;

        // WaitToReadAsync throws the Expired a lagging watcher was completed with, after the
        // records queued before it were read.
        while (await WaitToReadAsync(reader, cancellationToken).ConfigureAwait(false))
        {
            while (!cancellationToken.IsCancellationRequested && reader.TryRead(out var record))
            {
                yield return new ResourceEvent<T>(record.Type, Deserialize(record.Json));
            }
        }
    }

    /// <summary>Ends every watch of this store normally and releases the kind.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _watchers.Complete();
        _database.UnregisterKind(_kind);
    }

    private async Task<T> UpdateAsync(T resource, string verb, Func<T, T, T> merge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var (ns, name) = RequireKey(resource, verb);
        var expectedVersion = ParseExpectedVersion(resource, verb, ns, name);
        var outcome = await _database.WriteAsync(
            $"{verb} {_kind} {ns}/{name}",
            write =>
            {
                var storedJson = ResourceRows.SelectJson(write.Connection, write.Transaction, _kind, ns, name)
                    ?? throw new StoreException(StoreErrorKind.NotFound, $"{_kind} {ns}/{name} not found");
                var stored = Deserialize(storedJson);
                if (expectedVersion is not null && !string.Equals(expectedVersion, stored.Metadata.ResourceVersion, StringComparison.Ordinal))
                {
                    throw new StoreException(
                        StoreErrorKind.Conflict,
                        $"cannot {verb} {_kind} {ns}/{name}: the object has been modified (resourceVersion {expectedVersion}, stored {stored.Metadata.ResourceVersion}); read it again and retry");
                }

                var updated = merge(stored, resource);
                if (updated.Metadata.DeletionTimestamp is not null && updated.Metadata.Finalizers is not { Count: > 0 })
                {
                    // The last finalizer of an object being deleted is gone: the deletion completes now, as in Kubernetes.
                    var deletedVersion = write.NextVersion();
                    updated.Metadata.ResourceVersion = FormatVersion(deletedVersion);
                    ResourceRows.Delete(write, _kind, ns, name);
                    var deletedJson = ResourceJson.Serialize(updated);
                    return new WriteOutcome(deletedJson, new WatchRecord(deletedVersion, WatchEventType.Deleted, ns, deletedJson));
                }

                if (string.Equals(ResourceJson.Serialize(updated), storedJson, StringComparison.Ordinal))
                {
                    return new WriteOutcome(storedJson, null);
                }

                var version = write.NextVersion();
                updated.Metadata.ResourceVersion = FormatVersion(version);
                var json = ResourceJson.Serialize(updated);
                ResourceRows.Update(write, _kind, ns, name, version, updated.Metadata.Generation ?? 1, json);
                return new WriteOutcome(json, new WatchRecord(version, WatchEventType.Modified, ns, json));
            },
            Publish,
            cancellationToken).ConfigureAwait(false);
        return Deserialize(outcome.Json);
    }

    private async Task<WatchStart?> StartWatchAsync(string? @namespace, string resourceVersion, CancellationToken cancellationToken)
    {
        // "" and "0" mean "from now, with the current state first", as in Kubernetes.
        long? after = resourceVersion is "" or "0" ? null : ParseVersion(resourceVersion, "watch");
        try
        {
            // Under the writer lock no change is between commit and publish, so the version, the
            // history and the snapshot below describe one point in time: nothing missed, nothing twice.
            return await _database.ExclusiveAsync(
                () =>
                {
                    var current = _database.CurrentVersion;
                    if (after is null)
                    {
                        var initial = _database.Read(
                            $"list {_kind} to start a watch",
                            (connection, transaction) => ResourceRows.SelectJsonList(connection, transaction, _kind, @namespace));
                        return new WatchStart(initial, _watchers.Subscribe(@namespace, current));
                    }

                    if (after > current)
                    {
                        // A version from a file that was since replaced or restored from backup.
                        StorageLog.WatchExpired(_logger, _kind, after.Value, $"newer than the store's {current}");
                        throw new StoreException(
                            StoreErrorKind.Expired,
                            $"resource version {after} is newer than the store's {current}: the state was replaced; re-list");
                    }

                    try
                    {
                        return new WatchStart([], _watchers.Subscribe(@namespace, after.Value));
                    }
                    catch (StoreException e) when (e.Kind == StoreErrorKind.Expired)
                    {
                        StorageLog.WatchExpired(_logger, _kind, after.Value, e.Message);
                        throw;
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async ValueTask<bool> WaitToReadAsync(ChannelReader<WatchRecord> reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Publish(WriteOutcome? outcome)
    {
        if (outcome?.Event is not { } record)
        {
            return;
        }

        var ended = _watchers.Publish(record);
        if (ended > 0)
        {
            StorageLog.WatchersFellBehind(_logger, ended, _kind, _watchers.BufferSize);
        }
    }

    private (string Namespace, string Name) RequireKey(T resource, string verb)
    {
        var metadata = resource.Metadata;
        if (string.IsNullOrEmpty(metadata?.Name))
        {
            throw new StoreException(StoreErrorKind.Invalid, $"cannot {verb} {_kind}: metadata.name is required");
        }

        if (string.IsNullOrEmpty(metadata.NamespaceProperty))
        {
            throw new StoreException(StoreErrorKind.Invalid, $"cannot {verb} {_kind} {metadata.Name}: metadata.namespace is required");
        }

        return (metadata.NamespaceProperty, metadata.Name);
    }

    private string? ParseExpectedVersion(T resource, string verb, string ns, string name)
    {
        var version = resource.Metadata.ResourceVersion;
        if (string.IsNullOrEmpty(version))
        {
            return null;
        }

        ParseVersion(version, $"{verb} {_kind} {ns}/{name}");
        return version;
    }

    private static long ParseVersion(string version, string operation) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new StoreException(StoreErrorKind.Invalid, $"cannot {operation}: resourceVersion \"{version}\" is not a version this store issued");

    /// <summary>As in Kubernetes, the empty namespace means every namespace.</summary>
    private static string? AllNamespacesWhenEmpty(string? @namespace) => string.IsNullOrEmpty(@namespace) ? null : @namespace;

    private static string FormatVersion(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static T Deserialize(string json) => ResourceJson.Deserialize<T>(json);

    private sealed record WriteOutcome(string Json, WatchRecord? Event);

    private readonly record struct WatchStart(IReadOnlyList<string> Initial, WatchSubscription Subscription);
}
