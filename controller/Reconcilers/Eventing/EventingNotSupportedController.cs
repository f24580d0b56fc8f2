using Microsoft.Extensions.Logging;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Serialization;
using Serverless.Hosting.Informers;
using Serverless.Hosting.Queue;

namespace Serverless.Controller.Reconcilers.Eventing;

/// <summary>
/// Kubernetes mode's Brokers and Triggers until their data plane lands: each gets <c>Ready=False</c>, reason
/// <c>NotSupported</c> (<see cref="NotSupportedStatus"/>), so <c>kubectl get brokers,triggers</c> says why nothing
/// happens rather than showing nothing. Level-based like the Function controller: informers feed a rate-limited
/// queue, and an object whose status already says so costs no write.
/// </summary>
/// <remarks>A loop (<see cref="RunAsync"/>) that runs its own two informers, for the leader's term.</remarks>
public sealed partial class EventingNotSupportedController
{
    private readonly IResourceStore<Broker> _brokerStore;
    private readonly IResourceStore<Trigger> _triggerStore;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WorkQueue<(string Kind, FunctionKey Key)> _queue;

    public EventingNotSupportedController(IResourceStore<Broker> brokers, IResourceStore<Trigger> triggers, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _brokerStore = brokers;
        _triggerStore = triggers;
        _time = time;
        _logger = loggerFactory.CreateLogger<EventingNotSupportedController>();
        _queue = new WorkQueue<(string, FunctionKey)>(time, RetryBackoff.Default);
        Brokers = new ResourceInformer<Broker>(brokers, null, time, loggerFactory.CreateLogger<ResourceInformer<Broker>>());
        Triggers = new ResourceInformer<Trigger>(triggers, null, time, loggerFactory.CreateLogger<ResourceInformer<Trigger>>());
        Brokers.Changed += change => _queue.Add((Broker.KindName, ResourceInformer<Broker>.KeyOf(change.Object)));
        Triggers.Changed += change => _queue.Add((Trigger.KindName, ResourceInformer<Trigger>.KeyOf(change.Object)));
    }

    public ResourceInformer<Broker> Brokers { get; }

    public ResourceInformer<Trigger> Triggers { get; }

    public bool HasSynced => Brokers.HasSynced && Triggers.HasSynced;

    public bool IsHealthy => Brokers.IsHealthy && Triggers.IsHealthy;

    /// <summary>Runs the informers and one worker until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var informers = new[] { Brokers.RunAsync(cancellationToken), Triggers.RunAsync(cancellationToken) };
        try
        {
            await WorkAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Dispose();
            try
            {
                await Task.WhenAll(informers).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var item = await _queue.GetAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var now = _time.GetUtcNow().UtcDateTime;
                var written = item.Kind == Broker.KindName
                    ? await ReconcileAsync(Brokers, _brokerStore, item.Key, NotSupportedStatus.IsCurrent, b => NotSupportedStatus.Apply(b, now), cancellationToken).ConfigureAwait(false)
                    : await ReconcileAsync(Triggers, _triggerStore, item.Key, NotSupportedStatus.IsCurrent, t => NotSupportedStatus.Apply(t, now), cancellationToken).ConfigureAwait(false);
                if (written)
                {
                    _queue.Forget(item);
                }
                else
                {
                    _queue.AddRateLimited(item);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(_logger, item.Kind, item.Key.ToString(), _queue.AddRateLimited(item).TotalMilliseconds, e);
            }
            finally
            {
                _queue.Done(item);
            }
        }
    }

    /// <returns>False when the write met a newer version (the informer brings it, and the key is retried).</returns>
    private static async Task<bool> ReconcileAsync<T>(
        ResourceInformer<T> informer, IResourceStore<T> store, FunctionKey key, Func<T, bool> isCurrent, Action<T> apply, CancellationToken cancellationToken)
        where T : class, IResource
    {
        if (!informer.TryGet(key, out var cached) || cached is null || isCurrent(cached))
        {
            return true;
        }

        var copy = ResourceJson.Clone(cached);
        apply(copy);
        try
        {
            await store.ReplaceStatusAsync(copy, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StoreException e) when (e.Kind is StoreErrorKind.Conflict or StoreErrorKind.NotFound)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = ControllerEventIds.EventingStatusFailed, Level = LogLevel.Warning, Message = "Writing the status of {Kind} {Key} failed; retrying in {DelayMs} ms")]
    private static partial void LogFailed(ILogger logger, string kind, string key, double delayMs, Exception exception);
}
