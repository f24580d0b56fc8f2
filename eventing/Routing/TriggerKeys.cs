namespace Serverless.Eventing.Routing;

/// <summary>A Trigger's key in the event store: <c>{namespace}/{name}</c> (both DNS labels, so '/' cannot occur in them).</summary>
internal static class TriggerKeys
{
    public const string DefaultBroker = "default";

    public static string Of(string @namespace, string name) => @namespace + "/" + name;

    public static (string Namespace, string Name) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }
}
