using System.Runtime.CompilerServices;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Serialization;

namespace Serverless.Controller.Tests.Fakes;

/// <summary>
/// A fixed list of Functions for the informer, and a record of every status write the reconciler attempts
/// (a copy as sent), with an injectable store error. The reconciler writes nothing else.
/// </summary>
internal sealed class RecordingFunctionStore(params Function[] functions) : IResourceStore<Function>
{
    public List<Function> StatusWrites { get; } = [];

    /// <summary>Thrown by every status write, after it is recorded.</summary>
    public StoreErrorKind? StatusFailure { get; set; }

    public Task<ResourceList<Function>> ListAsync(string? @namespace = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ResourceList<Function>(functions.Select(f => ResourceJson.Clone(f)).ToArray(), "1"));

    public async IAsyncEnumerable<ResourceEvent<Function>> WatchAsync(string? @namespace, string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        yield break;
    }

    public Task<Function> ReplaceStatusAsync(Function resource, CancellationToken cancellationToken = default)
    {
        StatusWrites.Add(ResourceJson.Clone(resource));
        return StatusFailure is { } kind
            ? Task.FromException<Function>(new StoreException(kind, $"status of {resource.Metadata.Name}: injected {kind}"))
            : Task.FromResult(resource);
    }

    public Task<Function?> GetAsync(string @namespace, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Function> CreateAsync(Function resource, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Function> ReplaceAsync(Function resource, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
