namespace Serverless.Core.Contracts;

/// <summary>
/// What the activator observed of one function over one reporting interval (1 s): the input of the
/// autoscaler's windows. Concurrency counts requests in flight to instances plus those queued.
/// </summary>
/// <param name="InFlight">Requests in flight to the function's instances at <paramref name="Time"/>.</param>
/// <param name="Instances">
/// Requests in flight per instance id at <paramref name="Time"/> (every ready instance, idle ones with 0), so
/// scale-down can pick the idlest (pod-deletion-cost on Kubernetes); null when the reporter does not know.
/// </param>
public readonly record struct ConcurrencySample(
    FunctionKey Key,
    DateTimeOffset Time,
    double AverageConcurrency,
    int PeakConcurrency,
    double RequestsPerSecond,
    int QueueDepth,
    int InFlight = 0,
    IReadOnlyDictionary<string, int>? Instances = null);
