using Serverless.Core.Api;
using Serverless.Core.Defaulting;
using Serverless.Eventing.Routing;

namespace Serverless.Eventing.Tests.Fakes;

/// <summary>Triggers and brokers held in memory; every Trigger is on broker "default" of namespace "default" unless told.</summary>
internal sealed class FakeRoutes : ITriggerRoutes
{
    private readonly Dictionary<string, (TriggerEntry Entry, TriggerRoute Route)> _triggers = new(StringComparer.Ordinal);

    /// <summary>Declared brokers as <c>{namespace}/{name}</c>; "default" exists in every namespace, as in <see cref="TriggerCatalog"/>.</summary>
    public HashSet<string> Brokers { get; } = [];

    /// <summary>Broker classes by <c>{namespace}/{name}</c>; others are of <see cref="DefaultClass"/>.</summary>
    public Dictionary<string, string> Classes { get; } = new(StringComparer.Ordinal);

    public string DefaultClass { get; set; } = BrokerClasses.Sqlite;

    public bool HasSynced => true;

    public string BrokerClassOf(string @namespace, string broker) => Classes.TryGetValue(@namespace + "/" + broker, out var c) ? c : DefaultClass;

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public TriggerRoute Add(string name, TriggerSpec spec, Uri subscriber, EffectiveDelivery delivery, Uri? deadLetter = null, string broker = "default")
    {
        var key = TriggerKeys.Of("default", name);
        var route = new TriggerRoute(key, "default", broker, subscriber, deadLetter, delivery);
        _triggers[key] = (new TriggerEntry(key, spec), route);
        return route;
    }

    public void Remove(string name) => _triggers.Remove(TriggerKeys.Of("default", name));

    public IReadOnlyCollection<string> Keys => _triggers.Keys.ToList();

    public bool BrokerExists(string @namespace, string broker) => broker == TriggerKeys.DefaultBroker || Brokers.Contains(@namespace + "/" + broker);

    public IReadOnlyList<TriggerEntry> ForBroker(string @namespace, string broker) =>
        _triggers.Values.Where(t => t.Route.Namespace == @namespace && t.Route.Broker == broker).Select(t => t.Entry).ToList();

    public TriggerRoute? Resolve(string key) => _triggers.TryGetValue(key, out var t) ? t.Route : null;

    public static EffectiveDelivery Delivery(int retry = 3, string policy = "exponential", double delaySeconds = 0.2, double timeoutSeconds = 30, Destination? deadLetter = null) => new()
    {
        Retry = retry,
        BackoffPolicy = policy,
        BackoffDelay = TimeSpan.FromSeconds(delaySeconds),
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        DeadLetterSink = deadLetter,
    };
}
