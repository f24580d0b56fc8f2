namespace Serverless.Eventing.Tests.Tracing;

/// <summary>
/// The tracing tests listen to the broker's ActivitySource, which is process-wide: while they do, every event any
/// other test sends through an ingress would gain a traceparent. So they run alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "broker tracing";
}
