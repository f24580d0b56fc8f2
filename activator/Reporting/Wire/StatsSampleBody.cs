using System.Text.Json.Serialization;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Reporting.Wire;

/// <summary>One <see cref="ConcurrencySample"/> on the wire.</summary>
internal sealed record StatsSampleBody(
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("averageConcurrency")] double AverageConcurrency,
    [property: JsonPropertyName("peakConcurrency")] int PeakConcurrency,
    [property: JsonPropertyName("requestsPerSecond")] double RequestsPerSecond,
    [property: JsonPropertyName("queueDepth")] int QueueDepth,
    [property: JsonPropertyName("inFlight")] int InFlight,
    [property: JsonPropertyName("instances")] IReadOnlyDictionary<string, int> Instances)
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
