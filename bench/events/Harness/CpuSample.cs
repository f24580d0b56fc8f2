/// <summary>CPU seconds so far of the harness, the platform and RabbitMQ.</summary>
internal sealed record CpuSample(double Harness, double Platform, double Rabbit)
{
    /// <summary>CPU microseconds per event of each process between two samples.</summary>
    public CpuPerEvent PerEvent(CpuSample later, int events) => new(
        Math.Round((later.Harness - Harness) * 1e6 / events),
        Math.Round((later.Platform - Platform) * 1e6 / events),
        Math.Round((later.Rabbit - Rabbit) * 1e6 / events));
}
