using System.Globalization;

/// <summary>CPU µs per event: the harness's client, the platform, RabbitMQ.</summary>
internal sealed record CpuPerEvent(double Client, double Platform, double Rabbit)
{
    public double Total => Client + Platform + Rabbit;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"client {Client} + platform {Platform} + rabbitmq {Rabbit} = {Total} µs");
}
