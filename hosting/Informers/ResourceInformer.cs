using System.Collections.Concurrent;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Serverless.Core.Contracts;

namespace Serverless.Hosting.Informers;

/// <summary>
/// A local cache of one resource kind kept current by list + watch, as client-go's informer:
/// it lists, then watches from the list's version; when the watch expires (410 Gone) or fails it
/// lists again and turns the difference into events, so a subscriber never misses a deletion.
/// Subscribers run on the informer's loop: keep them short (enqueue a key, swap a snapshot).
/// </summary>
public sealed partial class ResourceInformer<T> where T : class, k8s.IKubernetesObject<V1ObjectMeta>
{
    private readonly IListWatchSource<T> _store;
    private readonly string? _namespace;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<FunctionKey, T> _cache = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _healthy;

    public ResourceInformer(IListWatchSource<T> store, string? @namespace, TimeProvider time, ILogger logger)
    {
        _store = store;
        _namespace = @namespace;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised for every change, after the cache reflects it.</summary>
    public event Action<ResourceEvent<T>>? Changed;

    /// <summary>How long to wait before re-listing after an unexpected error. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>
    /// Whether the cache follows the store now: true from a successful list until a list or watch fails, false from
    /// then until a list succeeds again (an expired watch, which re-lists at once, does not count). While false the
    /// cache still answers, with what it last saw; readiness reports it (the store, the API server, is out of reach).
    /// </summary>
    public bool IsHealthy => _healthy;

    /// <summary>The cached object (shared: do not mutate it).</summary>
    public bool TryGet(FunctionKey key, out T? value) => _cache.TryGetValue(key, out value);

    public IReadOnlyCollection<T> List() => _cache.Values.ToArray();

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Runs until cancelled, retrying every failure (a refused connection, a reset, an error answer) after
    /// <see cref="RetryDelay"/> for as long as it lasts. Never throws except <see cref="OperationCanceledException"/> on cancellation.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = await _store.ListAsync(_namespace, cancellationToken).ConfigureAwait(false);
                Replace(list.Items);
                if (failures > 0)
                {
                    LogRecovered(_logger, typeof(T).Name, failures);
                }

                failures = 0;
                _healthy = true;
                _synced.TrySetResult();
                await foreach (var change in _store.WatchAsync(_namespace, list.ResourceVersion, cancellationToken).ConfigureAwait(false))
                {
                    Apply(change);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (StoreException e) when (e.Kind == StoreErrorKind.Expired)
            {
                LogWatchExpired(_logger, typeof(T).Name);
            }
            catch (Exception e)
            {
                _healthy = false;
                if (failures++ == 0)
                {
                    LogWatchFailed(_logger, typeof(T).Name, e);
                }
                else
                {
                    LogStillFailing(_logger, typeof(T).Name, failures, e.Message);
                }

                await Task.Delay(RetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Replace(IReadOnlyList<T> items)
    {
        var seen = new HashSet<FunctionKey>();
        foreach (var item in items)
        {
            var key = KeyOf(item);
            seen.Add(key);
            if (!_cache.TryGetValue(key, out var old))
            {
                Apply(new ResourceEvent<T>(WatchEventType.Added, item));
            }
            else if (old.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
            {
                Apply(new ResourceEvent<T>(WatchEventType.Modified, item));
            }
        }

        foreach (var (key, old) in _cache)
        {
            if (!seen.Contains(key))
            {
                Apply(new ResourceEvent<T>(WatchEventType.Deleted, old));
            }
        }
    }

    private void Apply(ResourceEvent<T> change)
    {
        var key = KeyOf(change.Object);
        if (change.Type == WatchEventType.Deleted)
        {
            _cache.TryRemove(key, out _);
        }
        else
        {
            _cache[key] = change.Object;
        }

        try
        {
            Changed?.Invoke(change);
        }
        catch (Exception e)
        {
            // A faulty subscriber must not stop the cache from following the store.
            LogSubscriberFailed(_logger, typeof(T).Name, key.ToString(), e);
        }
    }

    public static FunctionKey KeyOf(T item) => new(item.Metadata.NamespaceProperty ?? "", item.Metadata.Name ?? "");

    [LoggerMessage(EventId = HostingEventIds.WatchExpired, Level = LogLevel.Debug, Message = "Watch of {Kind} expired; re-listing")]
    private static partial void LogWatchExpired(ILogger logger, string kind);

    [LoggerMessage(EventId = HostingEventIds.WatchFailed, Level = LogLevel.Warning, Message = "Watch of {Kind} failed; re-listing until it works")]
    private static partial void LogWatchFailed(ILogger logger, string kind, Exception exception);

    [LoggerMessage(EventId = HostingEventIds.WatchStillFailing, Level = LogLevel.Debug, Message = "Listing {Kind} failed again (attempt {Attempt}): {Error}")]
    private static partial void LogStillFailing(ILogger logger, string kind, int attempt, string error);

    [LoggerMessage(EventId = HostingEventIds.WatchRecovered, Level = LogLevel.Information, Message = "Listing {Kind} works again after {Failures} failed attempts")]
    private static partial void LogRecovered(ILogger logger, string kind, int failures);

    [LoggerMessage(EventId = HostingEventIds.SubscriberFailed, Level = LogLevel.Error, Message = "A subscriber to {Kind} failed on {Key}")]
    private static partial void LogSubscriberFailed(ILogger logger, string kind, string key, Exception exception);
}
