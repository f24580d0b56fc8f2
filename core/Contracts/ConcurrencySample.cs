namespace Serverless.Core.Contracts;

/// <summary>
/// What the activator observed of one function over one reporting interval (1 s): the input of the
/// autoscaler's windows. Concurrency counts requests in flight to instances plus those queued.
/// </summary>
public readonly record struct ConcurrencySample(
    FunctionKey Key,
    DateTimeOffset Time,
    double AverageConcurrency,
    int PeakConcurrency,
    double RequestsPerSecond,
    int QueueDepth);
