using System.Text.Json.Serialization;
using Serverless.Core.Contracts;

namespace Serverless.Core.Wire.Stats;

/// <summary>One <see cref="ConcurrencySample"/> on the wire, in a <see cref="StatsReportBody"/>.</summary>
public sealed record StatsSampleBody(
    [property: JsonPropertyName(StatsFields.Namespace)] string Namespace,
    [property: JsonPropertyName(StatsFields.Name)] string Name,
    [property: JsonPropertyName(StatsFields.Time)] DateTimeOffset Time,
    [property: JsonPropertyName(StatsFields.AverageConcurrency)] double AverageConcurrency,
    [property: JsonPropertyName(StatsFields.PeakConcurrency)] int PeakConcurrency,
    [property: JsonPropertyName(StatsFields.RequestsPerSecond)] double RequestsPerSecond,
    [property: JsonPropertyName(StatsFields.QueueDepth)] int QueueDepth,
    [property: JsonPropertyName(StatsFields.InFlight)] int InFlight,
    [property: JsonPropertyName(StatsFields.Instances)] IReadOnlyDictionary<string, int> Instances)
{
    public static StatsSampleBody From(ConcurrencySample sample) => new(
        sample.Key.Namespace,
        sample.Key.Name,
        sample.Time,
        sample.AverageConcurrency,
        sample.PeakConcurrency,
        sample.RequestsPerSecond,
        sample.QueueDepth,
        sample.InFlight,
        sample.Instances ?? new Dictionary<string, int>());
}
