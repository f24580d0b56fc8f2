using System.Collections.Concurrent;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Activation;

/// <summary>
/// Lets requests wait for a function's first ready instance. A waiter takes the current signal
/// before it looks at the endpoints, and every change completes and replaces the signal, so a
/// change between the look and the wait is never missed.
/// </summary>
internal sealed class EndpointWaiter
{
    private readonly IEndpointSource _endpoints;
    private readonly ConcurrentDictionary<FunctionKey, TaskCompletionSource> _signals = new();
    private readonly ConcurrentDictionary<FunctionKey, StrongBoxCounter> _waiting = new();

    public EndpointWaiter(IEndpointSource endpoints)
    {
        _endpoints = endpoints;
        _endpoints.EndpointsChanged += key =>
        {
            if (_signals.TryRemove(key, out var signal))
            {
                signal.TrySetResult();
            }
        };
    }

    /// <summary>Requests waiting for the function now.</summary>
    public int Waiting(FunctionKey key) => _waiting.TryGetValue(key, out var count) ? count.Value : 0;

    /// <summary>
    /// Waits until the function has a ready instance, or returns an empty list when the
    /// <paramref name="timeout"/> passes first. Throws when <paramref name="cancellationToken"/> fires (client gone).
    /// </summary>
    public async Task<IReadOnlyList<InstanceEndpoint>> WaitAsync(FunctionKey key, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var counter = _waiting.GetOrAdd(key, static _ => new StrongBoxCounter());
        Interlocked.Increment(ref counter.Value);
        try
        {
            using var deadline = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
            while (true)
            {
                var signal = _signals.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                var ready = _endpoints.GetReadyEndpoints(key);
                if (ready.Count > 0)
                {
                    return ready;
                }

                try
                {
                    await signal.Task.WaitAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return [];
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref counter.Value);
        }
    }

    private sealed class StrongBoxCounter
    {
        public int Value;
    }
}
