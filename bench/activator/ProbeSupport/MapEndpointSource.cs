using Serverless.Core.Contracts;

/// <summary>Fixed ready endpoints per workload key (a function's own, or a revision's), as the platform's source reports them.</summary>
internal sealed class MapEndpointSource(IReadOnlyDictionary<FunctionKey, InstanceEndpoint> endpoints) : IEndpointSource
{
    public event Action<FunctionKey>? EndpointsChanged
    {
        add { }
        remove { }
    }

    public IReadOnlyList<InstanceEndpoint> GetReadyEndpoints(FunctionKey key) => endpoints.TryGetValue(key, out var endpoint) ? [endpoint] : [];
}
