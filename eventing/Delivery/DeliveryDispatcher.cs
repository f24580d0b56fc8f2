using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Serverless.Eventing.Events;
using Serverless.Eventing.Ingress;
using Serverless.Eventing.Metrics;
using Serverless.Eventing.Routing;
using Serverless.Eventing.Tracing;
using Serverless.Eventing.Storage;

namespace Serverless.Eventing.Delivery;

/// <summary>
/// Sends due deliveries to their subscribers (or dead-letter sinks) and records each outcome in the store, which
/// keeps all delivery state: a crash loses nothing, deliveries in flight are simply due again (at least once).
/// </summary>
/// <remarks>
/// One loop finds due work per Trigger, up to <c>trigger-concurrency</c> in flight per Trigger and
/// <c>max-in-flight</c> overall; each attempt runs as its own task. New events and finished attempts wake the loop;
/// otherwise it sleeps until the next retry is due, at most <c>poll-interval</c>. Ordering is not guaranteed.
/// </remarks>
internal sealed partial class DeliveryDispatcher
{

    private readonly IEventStore _store;
    private readonly ITriggerRoutes _routes;
    private readonly DeliveryAttempt _attempt;
    private readonly BrokerOptions _options;
    private readonly BrokerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<string, HashSet<long>> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Task> _running = new();

    // Outcomes the store could not record (a full disk): the delivery is held, never sent again, until its write
    // succeeds; every round retries the writes. Without this a failed write left the delivery due at once, and
    // 3 events were sent 40,136 times in 15 s. Lost on a restart, which only makes the delivery due again (at least once).
    private readonly ConcurrentDictionary<long, UnstoredOutcome> _unstored = new();
    private int _inFlightTotal;
    private long _lastCount;
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public DeliveryDispatcher(
        IEventStore store,
        ITriggerRoutes routes,
        DeliveryAttempt attempt,
        BrokerOptions options,
        BrokerMetrics metrics,
        TimeProvider time,
        ILogger<DeliveryDispatcher> logger)
    {
        _store = store;
        _routes = routes;
        _attempt = attempt;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Attempts in flight now.</summary>
    public int InFlight => Volatile.Read(ref _inFlightTotal);

    /// <summary>Makes the loop look for due work at once (coalesced).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Runs until cancelled; attempts cut short by the cancellation are not recorded, so they are due again on restart.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _routes.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = _options.PollInterval;
            try
            {
                await DispatchDueAsync(cancellationToken).ConfigureAwait(false);
                wait = await NextWaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // One failed round (store unavailable) must not stop delivery for good.
                LogRoundFailed(_logger, e);
            }

            try
            {
                await WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await WhenIdleAsync().ConfigureAwait(false);
    }

    /// <summary>Completes when no attempt is in flight (for shutdown and tests).</summary>
    public Task WhenIdleAsync() => Task.WhenAll(_running.Values);

    /// <summary>Deliveries whose outcome waits to be written to the store.</summary>
    internal int Unstored => _unstored.Count;

    /// <summary>One round: starts every due delivery there is room for; returns how many started.</summary>
    internal async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        await StoreHeldOutcomesAsync().ConfigureAwait(false);
        var now = _time.GetUtcNow();
        await RefreshPendingGaugeAsync(now, cancellationToken).ConfigureAwait(false);
        var started = 0;
        foreach (var key in await TriggersToVisitAsync(now, cancellationToken).ConfigureAwait(false))
        {
            var route = _routes.Resolve(key);
            if (route is null)
            {
                if (_routes.HasSynced)
                {
                    // The Trigger was deleted: its pending deliveries have no subscriber any more (as in Knative).
                    var dropped = await _store.DropTriggerAsync(key, cancellationToken).ConfigureAwait(false);
                    LogTriggerGone(_logger, key, dropped);
                }

                continue;
            }

            int free;
            long[] exclude;
            lock (_inFlight)
            {
                var running = InFlightOf(key);
                free = Math.Min(_options.TriggerConcurrency - running.Count, _options.MaxInFlight - _inFlightTotal);
                exclude = [.. running, .. _unstored.Where(u => u.Value.TriggerKey == key).Select(u => u.Key)];
            }

            if (free <= 0)
            {
                continue;
            }

            var due = await _store.GetDueAsync(key, now, free, exclude, cancellationToken).ConfigureAwait(false);
            foreach (var delivery in due)
            {
                lock (_inFlight)
                {
                    if (!InFlightOf(key).Add(delivery.Id))
                    {
                        continue;
                    }

                    _inFlightTotal++;
                }

                _metrics.InFlight.Inc();
                var task = Task.Run(() => DeliverAsync(delivery, route, cancellationToken), CancellationToken.None);
                _running[delivery.Id] = task;
                // Removes this attempt's entry only: a retry of the same delivery may already have its own.
                _ = task.ContinueWith(t => _running.TryRemove(new KeyValuePair<long, Task>(delivery.Id, t)), TaskScheduler.Default);
                started++;
            }
        }

        return started;
    }

    /// <summary>
    /// Every known Trigger (one index seek each finds its due work), plus, once per <c>poll-interval</c>, those the
    /// store has due work for: that scan is proportional to the backlog, too dear for every round, and only needed to
    /// find deliveries of deleted Triggers.
    /// </summary>
    private async Task<IEnumerable<string>> TriggersToVisitAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(_routes.Keys, StringComparer.Ordinal);
        if (now - _lastSweep >= _options.PollInterval)
        {
            _lastSweep = now;
            keys.UnionWith(await _store.GetTriggersWithDueAsync(now, cancellationToken).ConfigureAwait(false));
        }

        return keys;
    }

    private HashSet<long> InFlightOf(string key)
    {
        if (!_inFlight.TryGetValue(key, out var set))
        {
            _inFlight[key] = set = [];
        }

        return set;
    }

    private async Task DeliverAsync(PendingDelivery delivery, TriggerRoute route, CancellationToken cancellationToken)
    {
        try
        {
            await AttemptAsync(delivery, route, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the attempt is not recorded, so the delivery is due again after a restart.
        }
        catch (Exception e)
        {
            LogAttemptFailed(_logger, route.Key, delivery.Id, e);

            // Not due at once again, or a broken event would spin the loop.
            var next = _time.GetUtcNow() + _options.PollInterval;
            await StoreOutcomeAsync(delivery.Id, route.Key, token => _store.RescheduleAsync(delivery.Id, delivery.Phase, delivery.Attempts, next, delivery.LastCode, delivery.LastError ?? e.Message, token)).ConfigureAwait(false);
        }
        finally
        {
            lock (_inFlight)
            {
                InFlightOf(route.Key).Remove(delivery.Id);
                _inFlightTotal--;
            }

            _metrics.InFlight.Dec();
            Wake();
        }
    }

    private async Task AttemptAsync(PendingDelivery delivery, TriggerRoute route, CancellationToken cancellationToken)
    {
        var verdict = await _attempt.RunAsync(delivery.State, route, cancellationToken).ConfigureAwait(false);
        var decision = verdict.Decision;
        switch (decision.Kind)
        {
            case DecisionKind.Done:
                await StoreOutcomeAsync(delivery.Id, route.Key, token => _store.CompleteAsync(delivery.Id, token)).ConfigureAwait(false);
                break;
            case DecisionKind.Retry:
            case DecisionKind.DeadLetter:
                await StoreOutcomeAsync(delivery.Id, route.Key, token => _store.RescheduleAsync(delivery.Id, decision.Phase, decision.Attempts, decision.NextAttempt, verdict.Code, verdict.Error, token)).ConfigureAwait(false);
                break;
            case DecisionKind.Fail:
                await StoreOutcomeAsync(delivery.Id, route.Key, token => _store.RescheduleAsync(delivery.Id, DeliveryPhase.Failed, decision.Attempts, decision.NextAttempt, verdict.Code, verdict.Error, token)).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Records an attempt's outcome; when the store cannot, holds the delivery (see <c>_unstored</c>).</summary>
    private async Task StoreOutcomeAsync(long deliveryId, string triggerKey, Func<CancellationToken, Task> write)
    {
        try
        {
            await write(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (_unstored.TryAdd(deliveryId, new UnstoredOutcome(triggerKey, write)))
            {
                LogOutcomeNotStored(_logger, triggerKey, deliveryId, e.Message);
            }
        }
    }

    /// <summary>Writes the held outcomes again; a delivery is released once its outcome is stored.</summary>
    private async Task StoreHeldOutcomesAsync()
    {
        foreach (var (id, held) in _unstored)
        {
            try
            {
                await held.Write(CancellationToken.None).ConfigureAwait(false);
                _unstored.TryRemove(id, out _);
                LogOutcomeStored(_logger, held.TriggerKey, id);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Still failing (the disk is still full): held for the next round.
            }
        }
    }

    private sealed record UnstoredOutcome(string TriggerKey, Func<CancellationToken, Task> Write);

    private async Task<TimeSpan> NextWaitAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var next = await _store.GetNextDueAsync(now, cancellationToken).ConfigureAwait(false);
        if (next is not { } due)
        {
            return _options.PollInterval;
        }

        var wait = due - now;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait < _options.PollInterval ? wait : _options.PollInterval;
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_wake.Reader.TryRead(out _))
        {
            return;
        }

        using var timer = new CancellationTokenSource(wait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await _wake.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The wait ran out: look again.
        }
    }

    private async Task RefreshPendingGaugeAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Counting is a scan: at most once a second.
        var at = now.ToUnixTimeMilliseconds();
        if (at - Interlocked.Read(ref _lastCount) < 1000)
        {
            return;
        }

        Interlocked.Exchange(ref _lastCount, at);
        var counts = await _store.CountAsync(cancellationToken).ConfigureAwait(false);
        _metrics.Pending.Set(counts.Pending);
    }

    [LoggerMessage(EventId = EventingEventIds.OutcomeNotStored, Level = LogLevel.Error, Message = "The outcome of delivery {Delivery} of Trigger {Trigger} could not be stored ({Error}); it is held, not sent again, until it is")]
    private static partial void LogOutcomeNotStored(ILogger logger, string trigger, long delivery, string error);

    [LoggerMessage(EventId = EventingEventIds.OutcomeStored, Level = LogLevel.Information, Message = "The held outcome of delivery {Delivery} of Trigger {Trigger} is stored now")]
    private static partial void LogOutcomeStored(ILogger logger, string trigger, long delivery);

    [LoggerMessage(EventId = EventingEventIds.RoundFailed, Level = LogLevel.Warning, Message = "A dispatch round failed; trying again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = EventingEventIds.TriggerGone, Level = LogLevel.Information, Message = "Trigger {Trigger} no longer exists: dropped {Count} pending deliveries")]
    private static partial void LogTriggerGone(ILogger logger, string trigger, int count);

    [LoggerMessage(EventId = EventingEventIds.AttemptFailed, Level = LogLevel.Warning, Message = "Delivery {Delivery} of Trigger {Trigger} failed unexpectedly")]
    private static partial void LogAttemptFailed(ILogger logger, string trigger, long delivery, Exception exception);



}
