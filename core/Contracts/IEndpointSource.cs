namespace Serverless.Core.Contracts;

/// <summary>
/// Ready instance addresses per function. Local mode: the supervisor; Kubernetes: EndpointSlices.
/// Reads are on the request path: implementations return an immutable snapshot without locking.
/// </summary>
public interface IEndpointSource
{
    /// <summary>The ready instances of a function now; empty when none.</summary>
    IReadOnlyList<InstanceEndpoint> GetReadyEndpoints(FunctionKey key);

    /// <summary>Raised (on any thread) after the ready set of a function changed.</summary>
    event Action<FunctionKey>? EndpointsChanged;
}

/// <summary>One ready instance. <see cref="Id"/> is unique for the life of the platform.</summary>
public sealed record InstanceEndpoint(string Id, string Host, int Port, int ContainerConcurrency)
{
    public string Authority => Host + ":" + Port;
}
