using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Storage;

/// <summary>
/// The stored objects by key and, per kind, in namespace-then-name order, so listing one kind never scans
/// the others (a benchmark's 1,000 Deployments sit next to their thousands of pods and slices).
/// </summary>
/// <remarks>Not thread-safe: the store's lock guards it.</remarks>
internal sealed class ObjectIndex
{
    private static readonly Comparer<(string Namespace, string Name)> Ordinal = Comparer<(string, string)>.Create((a, b) =>
    {
        var byNamespace = string.CompareOrdinal(a.Item1, b.Item1);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(a.Item2, b.Item2);
    });

    private readonly Dictionary<(string Type, string Namespace, string Name), JsonObject> _byKey = [];
    private readonly Dictionary<string, SortedDictionary<(string Namespace, string Name), JsonObject>> _byType = new(StringComparer.Ordinal);

    public IEnumerable<KeyValuePair<(string Type, string Namespace, string Name), JsonObject>> All => _byKey;

    public bool TryGet((string Type, string Namespace, string Name) key, out JsonObject obj) => _byKey.TryGetValue(key, out obj!);

    public bool Contains((string Type, string Namespace, string Name) key) => _byKey.ContainsKey(key);

    public void Set((string Type, string Namespace, string Name) key, JsonObject obj)
    {
        _byKey[key] = obj;
        if (!_byType.TryGetValue(key.Type, out var ofType))
        {
            ofType = new SortedDictionary<(string, string), JsonObject>(Ordinal);
            _byType[key.Type] = ofType;
        }

        ofType[(key.Namespace, key.Name)] = obj;
    }

    public void Remove((string Type, string Namespace, string Name) key)
    {
        _byKey.Remove(key);
        if (_byType.TryGetValue(key.Type, out var ofType))
        {
            ofType.Remove((key.Namespace, key.Name));
        }
    }

    /// <summary>One kind's objects, ordered by namespace then name; all namespaces when <paramref name="namespace"/> is null.</summary>
    public IEnumerable<JsonObject> OfType(string type, string? @namespace)
    {
        if (!_byType.TryGetValue(type, out var ofType))
        {
            return [];
        }

        return @namespace is null
            ? ofType.Values
            : ofType.Where(pair => pair.Key.Namespace == @namespace).Select(pair => pair.Value);
    }
}
