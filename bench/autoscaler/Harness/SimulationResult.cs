namespace Serverless.Bench.Autoscaler;

/// <summary>One controller on one trace.</summary>
/// <param name="ColdStartRequestSeconds">The part of the over-capacity request-seconds with no instance ready at all (waiting on a scale from zero).</param>
/// <param name="PokedDecisions">KPA decisions taken between ticks because the live count exceeded the ready capacity.</param>
/// <param name="PoolIdleSeconds">Seconds the warm pool's idle instances ran (0 without a pool); not in <paramref name="InstanceSeconds"/>.</param>
internal sealed record SimulationResult(
    string Trace,
    string Controller,
    double InstanceSeconds,
    double IdealInstanceSeconds,
    int ColdStarts,
    double OverCapacityRequestSeconds,
    double ColdStartRequestSeconds,
    int PanicTicks,
    int PokedDecisions,
    double PoolIdleSeconds)
{
    public double InstanceSecondsVsIdeal => IdealInstanceSeconds == 0 ? 0 : InstanceSeconds / IdealInstanceSeconds;
}
