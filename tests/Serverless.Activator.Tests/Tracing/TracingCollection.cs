namespace Serverless.Activator.Tests.Tracing;

/// <summary>
/// The tracing tests listen to the activator's ActivitySource, which is process-wide: while they do, every request any
/// other test forwards would carry the activator's traceparent. So they run alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "activator tracing";
}
