using System.Collections.Concurrent;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Tests.Fakes;

/// <summary>Ready endpoints the test controls; every <see cref="Set"/> raises the change event.</summary>
internal sealed class FakeEndpointSource : IEndpointSource
{
    private readonly ConcurrentDictionary<FunctionKey, IReadOnlyList<InstanceEndpoint>> _ready = new();

    public event Action<FunctionKey>? EndpointsChanged;

    public IReadOnlyList<InstanceEndpoint> GetReadyEndpoints(FunctionKey key) => _ready.TryGetValue(key, out var list) ? list : [];

    public void Set(FunctionKey key, params InstanceEndpoint[] endpoints)
    {
        _ready[key] = endpoints;
        EndpointsChanged?.Invoke(key);
    }
}
