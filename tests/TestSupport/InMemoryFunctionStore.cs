using System.Runtime.CompilerServices;
using Serverless.Core.Api;
using Serverless.Core.Contracts;

namespace Serverless.TestSupport;

/// <summary>
/// Just enough of a store for an informer: a fixed list, and a watch that stays open without events.
/// Activator and autoscaler tests only read functions, so writes are not supported.
/// </summary>
public sealed class InMemoryFunctionStore(params Function[] functions) : IResourceStore<Function>
{
    public Task<Function?> GetAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(functions.FirstOrDefault(f => f.Metadata.NamespaceProperty == @namespace && f.Metadata.Name == name));

    public Task<ResourceList<Function>> ListAsync(string? @namespace = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ResourceList<Function>(functions, "1"));

    public Task<Function> CreateAsync(Function resource, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Function> ReplaceAsync(Function resource, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Function> ReplaceStatusAsync(Function resource, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public async IAsyncEnumerable<ResourceEvent<Function>> WatchAsync(string? @namespace, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        yield break;
    }
}
