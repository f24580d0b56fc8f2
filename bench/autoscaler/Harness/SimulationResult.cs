namespace Serverless.Bench.Autoscaler;

/// <summary>One controller on one trace.</summary>
internal sealed record SimulationResult(
    string Trace,
    string Controller,
    double InstanceSeconds,
    double IdealInstanceSeconds,
    int ColdStarts,
    double OverCapacityRequestSeconds,
    int PanicTicks)
{
    public double InstanceSecondsVsIdeal => IdealInstanceSeconds == 0 ? 0 : InstanceSeconds / IdealInstanceSeconds;
}
