using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;

namespace Serverless.Eventing.Reconcilers;

/// <summary>
/// Keeps Trigger and Broker status current: after any change to a Trigger, Broker or Function it recomputes every
/// status (there are few) and writes those that differ. A write conflict is left alone: the write that won is itself
/// a change, which brings the loop back.
/// </summary>
internal sealed partial class EventingStatusReconciler
{
    private readonly ResourceInformer<Trigger> _triggers;
    private readonly ResourceInformer<Broker> _brokers;
    private readonly ResourceInformer<Function> _functions;
    private readonly IResourceStore<Trigger> _triggerStore;
    private readonly IResourceStore<Broker> _brokerStore;
    private readonly EventingEndpoints _endpoints;
    private readonly BrokerOptions _options;
    private readonly Routing.BrokerClassAvailability _availability;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public EventingStatusReconciler(
        ResourceInformer<Trigger> triggers,
        ResourceInformer<Broker> brokers,
        ResourceInformer<Function> functions,
        IResourceStore<Trigger> triggerStore,
        IResourceStore<Broker> brokerStore,
        EventingEndpoints endpoints,
        BrokerOptions options,
        Routing.BrokerClassAvailability availability,
        TimeProvider time,
        ILogger<EventingStatusReconciler> logger)
    {
        _options = options;
        _availability = availability;
        _triggers = triggers;
        _brokers = brokers;
        _functions = functions;
        _triggerStore = triggerStore;
        _brokerStore = brokerStore;
        _endpoints = endpoints;
        _time = time;
        _logger = logger;
        _triggers.Changed += _ => Wake();
        _brokers.Changed += _ => Wake();
        _functions.Changed += _ => Wake();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _triggers.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        await _brokers.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        await _functions.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        Wake();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _wake.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                await ReconcileAllAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(_logger, e);
            }
        }
    }

    internal async Task ReconcileAllAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var broker in _brokers.List())
        {
            var brokerClass = Routing.BrokerClasses.Of(broker.Metadata.Annotations, _options.DefaultClass);
            var desired = EventingStatusBuilder.ForBroker(broker, _endpoints, now, _availability.Problem(brokerClass));
            if (!EventingStatusBuilder.SameBroker(broker.Status, desired))
            {
                await WriteAsync(() => _brokerStore.ReplaceStatusAsync(Copy(broker, desired), cancellationToken)).ConfigureAwait(false);
            }
        }

        foreach (var trigger in _triggers.List())
        {
            var ns = trigger.Metadata.NamespaceProperty ?? "";
            var broker = trigger.Spec.Broker ?? Routing.TriggerKeys.DefaultBroker;
            var declared = _brokers.TryGet(new FunctionKey(ns, broker), out var brokerObject);
            var brokerExists = declared || broker == Routing.TriggerKeys.DefaultBroker;
            var classProblem = _availability.Problem(Routing.BrokerClasses.Of(brokerObject?.Metadata.Annotations, _options.DefaultClass));
            var functionExists = trigger.Spec.Subscriber?.Ref is { Name: { } name } reference
                && _functions.TryGet(new FunctionKey(reference.Namespace ?? ns, name), out _);
            var desired = EventingStatusBuilder.ForTrigger(trigger, brokerExists, functionExists, _endpoints.FunctionsUrl, now, classProblem);
            if (!EventingStatusBuilder.SameTrigger(trigger.Status, desired))
            {
                await WriteAsync(() => _triggerStore.ReplaceStatusAsync(Copy(trigger, desired), cancellationToken)).ConfigureAwait(false);
            }
        }
    }

    private static Trigger Copy(Trigger trigger, TriggerStatus status) => new()
    {
        ApiVersion = trigger.ApiVersion, Kind = trigger.Kind, Metadata = trigger.Metadata, Spec = trigger.Spec, Status = status,
    };

    private static Broker Copy(Broker broker, BrokerStatus status) => new()
    {
        ApiVersion = broker.ApiVersion, Kind = broker.Kind, Metadata = broker.Metadata, Spec = broker.Spec, Status = status,
    };

    private async Task WriteAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Kind is StoreErrorKind.Conflict or StoreErrorKind.NotFound)
        {
            LogStale(_logger, e.Message);
        }
    }

    [LoggerMessage(EventId = EventingEventIds.StatusWriteFailed, Level = LogLevel.Warning, Message = "Updating Trigger and Broker status failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = EventingEventIds.StatusWriteSkipped, Level = LogLevel.Debug, Message = "Status write skipped: {Reason}")]
    private static partial void LogStale(ILogger logger, string reason);
}
