using System.Runtime.CompilerServices;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Serialization;

namespace Serverless.Controller.Tests.Fakes;

/// <summary>An in-memory Revision store with the store's copy semantics, generation 1 and creation times from a clock.</summary>
internal sealed class MemoryRevisionStore(TimeProvider time) : IResourceStore<Revision>
{
    private readonly Dictionary<string, Revision> _items = new(StringComparer.Ordinal);
    private long _version;

    public IReadOnlyList<Revision> Items => _items.Values.OrderBy(r => r.Metadata.Name, StringComparer.Ordinal).Select(ResourceJson.Clone).ToList();

    public Task<ResourceList<Revision>> ListAsync(string? @namespace = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ResourceList<Revision>(Items.Where(r => @namespace is null || r.Metadata.NamespaceProperty == @namespace).ToList(), _version.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public async IAsyncEnumerable<ResourceEvent<Revision>> WatchAsync(string? @namespace, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }

    public Task<Revision?> GetAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_items.TryGetValue(name, out var r) ? ResourceJson.Clone(r) : null);

    public Task<Revision> CreateAsync(Revision resource, CancellationToken cancellationToken = default)
    {
        if (_items.ContainsKey(resource.Metadata.Name))
        {
            throw new StoreException(StoreErrorKind.AlreadyExists, resource.Metadata.Name + " exists");
        }

        var stored = ResourceJson.Clone(resource);
        stored.Metadata.Generation = 1;
        stored.Metadata.CreationTimestamp = time.GetUtcNow().UtcDateTime;
        stored.Metadata.ResourceVersion = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _items[stored.Metadata.Name] = stored;
        return Task.FromResult(ResourceJson.Clone(stored));
    }

    public Task<Revision> ReplaceAsync(Revision resource, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Revision> ReplaceStatusAsync(Revision resource, CancellationToken cancellationToken = default)
    {
        if (!_items.TryGetValue(resource.Metadata.Name, out var stored))
        {
            throw new StoreException(StoreErrorKind.NotFound, resource.Metadata.Name);
        }

        stored.Status = ResourceJson.Clone(resource).Status;
        stored.Metadata.ResourceVersion = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.FromResult(ResourceJson.Clone(stored));
    }

    public Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken = default) => Task.FromResult(_items.Remove(name));

    /// <summary>Ages every revision's creation time (for retention).</summary>
    public void Age(TimeSpan by)
    {
        foreach (var r in _items.Values)
        {
            r.Metadata.CreationTimestamp -= by;
        }
    }
}
