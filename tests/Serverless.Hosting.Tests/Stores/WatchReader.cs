using Serverless.Core.Api;
using Serverless.Core.Contracts;

namespace Serverless.Hosting.Tests.Stores;

/// <summary>
/// Reads a watch one event at a time, each read bounded by a timeout so a missing event fails
/// the test instead of hanging it. <see cref="Start"/> registers the watch before returning.
/// </summary>
public sealed class WatchReader<T> : IAsyncDisposable where T : class, IResource
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _cancellation;
    private readonly IAsyncEnumerator<ResourceEvent<T>> _enumerator;
    private ValueTask<bool>? _pending;

    private WatchReader(IResourceStore<T> store, string? @namespace, string resourceVersion, CancellationToken cancellationToken)
    {
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _enumerator = store.WatchAsync(@namespace, resourceVersion, _cancellation.Token).GetAsyncEnumerator(_cancellation.Token);
    }

    /// <summary>
    /// Starts enumerating: the store registers the watcher synchronously on the first move when
    /// nothing contends for its lock, so writes after this call are seen.
    /// </summary>
    public static WatchReader<T> Start(IResourceStore<T> store, string? @namespace, string resourceVersion, CancellationToken cancellationToken = default)
    {
        var reader = new WatchReader<T>(store, @namespace, resourceVersion, cancellationToken);
        reader._pending = reader._enumerator.MoveNextAsync();
        return reader;
    }

    /// <summary>True when the watch produced an event, false when it ended; throws what the watch threw.</summary>
    public async Task<bool> MoveNextAsync()
    {
        var pending = _pending ?? _enumerator.MoveNextAsync();
        _pending = null;
        return await pending.AsTask().WaitAsync(ReadTimeout);
    }

    public async Task<ResourceEvent<T>> NextAsync()
    {
        Assert.True(await MoveNextAsync(), "the watch ended while an event was expected");
        return _enumerator.Current;
    }

    public async Task<List<ResourceEvent<T>>> NextAsync(int count)
    {
        var events = new List<ResourceEvent<T>>();
        for (var i = 0; i < count; i++)
        {
            events.Add(await NextAsync());
        }

        return events;
    }

    /// <summary>Cancels the watch (which ends it quietly) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _cancellation.CancelAsync();
        if (_pending is { } pending)
        {
            // A pending move must finish before the enumerator may be disposed.
            _pending = null;
            await pending.AsTask().WaitAsync(ReadTimeout);
        }

        await _enumerator.DisposeAsync();
        _cancellation.Dispose();
    }
}
