namespace Serverless.Eventing.Routing;

/// <summary>The Brokers and Triggers the broker ingress and dispatcher act on.</summary>
internal interface ITriggerRoutes
{
    /// <summary>True once the Triggers and Brokers were listed; before that, matching would miss Triggers.</summary>
    bool HasSynced { get; }

    Task WaitForSyncAsync(CancellationToken cancellationToken);

    /// <summary>A <c>default</c> broker exists in every namespace; other names must exist as Broker resources.</summary>
    bool BrokerExists(string @namespace, string broker);

    /// <summary>The class a broker asks for (<see cref="BrokerClasses.Of"/>), unchecked: it may name no backend.</summary>
    string BrokerClassOf(string @namespace, string broker);

    /// <summary>The keys (<c>{namespace}/{name}</c>) of every Trigger.</summary>
    IReadOnlyCollection<string> Keys { get; }

    /// <summary>The Triggers on a broker.</summary>
    IReadOnlyList<TriggerEntry> ForBroker(string @namespace, string broker);

    /// <summary>The route of a Trigger (<c>{namespace}/{name}</c>), or null when it no longer exists.</summary>
    TriggerRoute? Resolve(string key);
}
