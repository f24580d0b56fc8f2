using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Defaulting;
using Serverless.Hosting.Informers;

namespace Serverless.Eventing.Routing;

/// <summary>
/// <see cref="ITriggerRoutes"/> over the Trigger and Broker informers. The per-broker lists are rebuilt lazily after a
/// change, so the ingress hot path reads an immutable snapshot without locking.
/// </summary>
internal sealed class TriggerCatalog : ITriggerRoutes
{
    private readonly ResourceInformer<Trigger> _triggers;
    private readonly ResourceInformer<Broker> _brokers;
    private readonly string _ingressUrl;
    private readonly DeliveryDefaults _defaults;
    private readonly string _defaultClass;
    private volatile Snapshot? _byBroker;
    private long _version;

    public TriggerCatalog(ResourceInformer<Trigger> triggers, ResourceInformer<Broker> brokers, string ingressUrl, DeliveryDefaults defaults, string defaultClass = BrokerClasses.Sqlite)
    {
        _defaultClass = defaultClass;
        _triggers = triggers;
        _brokers = brokers;
        _ingressUrl = ingressUrl;
        _defaults = defaults;
        _triggers.Changed += _ => Interlocked.Increment(ref _version);
    }

    public bool HasSynced => _triggers.HasSynced && _brokers.HasSynced;

    public async Task WaitForSyncAsync(CancellationToken cancellationToken)
    {
        await _triggers.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        await _brokers.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
    }

    public bool BrokerExists(string @namespace, string broker) =>
        broker == TriggerKeys.DefaultBroker || _brokers.TryGet(new FunctionKey(@namespace, broker), out _);

    public string BrokerClassOf(string @namespace, string broker) =>
        _brokers.TryGet(new FunctionKey(@namespace, broker), out var found) && found is not null
            ? BrokerClasses.Of(found.Metadata.Annotations, _defaultClass)
            : _defaultClass;

    public IReadOnlyCollection<string> Keys => Current().Keys;

    public IReadOnlyList<TriggerEntry> ForBroker(string @namespace, string broker) =>
        Current().Index.TryGetValue((@namespace, broker), out var found) ? found : [];

    private Snapshot Current()
    {
        var snapshot = _byBroker;
        var version = Interlocked.Read(ref _version);
        if (snapshot is null || snapshot.Version != version)
        {
            // The informer updates its cache before it raises Changed, so a snapshot built from a list read after
            // taking the version is never older than that version; a change during the build bumps the version
            // and the next call rebuilds.
            var index = _triggers.List()
                .GroupBy(t => (t.Metadata.NamespaceProperty ?? "", t.Spec.Broker ?? TriggerKeys.DefaultBroker))
                .ToDictionary(g => g.Key, g => g.Select(t => new TriggerEntry(TriggerKeys.Of(g.Key.Item1, t.Metadata.Name ?? ""), t.Spec)).ToArray());
            _byBroker = snapshot = new Snapshot(version, index, index.Values.SelectMany(e => e).Select(e => e.Key).ToArray());
        }

        return snapshot;
    }

    public TriggerRoute? Resolve(string key)
    {
        var (ns, name) = TriggerKeys.Split(key);
        if (!_triggers.TryGet(new FunctionKey(ns, name), out var trigger) || trigger is null)
        {
            return null;
        }

        var brokerName = trigger.Spec.Broker ?? TriggerKeys.DefaultBroker;
        _brokers.TryGet(new FunctionKey(ns, brokerName), out var broker);
        var delivery = EffectiveDelivery.Resolve(trigger.Spec.Delivery, broker?.Spec.Delivery, _defaults);
        var ingress = _ingressUrl;
        var subscriber = DestinationResolver.Resolve(trigger.Spec.Subscriber, ns, ingress);
        if (subscriber is null)
        {
            return null;
        }

        return new TriggerRoute(key, ns, brokerName, subscriber, DestinationResolver.Resolve(delivery.DeadLetterSink, ns, ingress), delivery);
    }

    private sealed record Snapshot(long Version, Dictionary<(string, string), TriggerEntry[]> Index, string[] Keys);
}
