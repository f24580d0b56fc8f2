using System.Runtime.CompilerServices;
using Serverless.Core.Api;
using Serverless.Core.Contracts;

namespace Serverless.Eventing.Tests.Fakes;

/// <summary>A fixed list behind an informer: list only, a watch that stays open without events, no writes.</summary>
internal sealed class FixedStore<T>(params T[] items) : IResourceStore<T>
    where T : class, IResource
{
    public Task<T?> GetAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(items.FirstOrDefault(i => i.Metadata.NamespaceProperty == @namespace && i.Metadata.Name == name));

    public Task<ResourceList<T>> ListAsync(string? @namespace = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ResourceList<T>(items, "1"));

    public Task<T> CreateAsync(T resource, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<T> ReplaceAsync(T resource, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<T> ReplaceStatusAsync(T resource, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public async IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? @namespace, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        yield break;
    }
}
