using System.Text.Json.Serialization;

namespace Serverless.Core.Wire.Stats;

/// <summary>
/// <c>POST /stats</c>, from an activator to the autoscaler when they run as separate processes (Kubernetes mode; see
/// the README): the activator's name and one reporting pass of samples, or a replay of its recent ones after the
/// autoscaler's id changed. The autoscaler keys samples by activator and time, so a sample sent twice counts once.
/// </summary>
/// <remarks>
/// <c>{"activator": "pod", "samples": [{"namespace", "name", "time", "averageConcurrency", "peakConcurrency",
/// "requestsPerSecond", "queueDepth", "inFlight"?, "instances"?: {"id": n}}]}</c>. The autoscaler reads it with its own
/// validating reader (<c>autoscaler/Ingest/StatsReportParser.cs</c>, field names from <see cref="StatsFields"/>):
/// unknown fields are ignored, so a newer activator can add some, and <c>inFlight</c> defaults to the sum of
/// <c>instances</c>.
/// </remarks>
public sealed record StatsReportBody(
    [property: JsonPropertyName(StatsFields.Activator)] string Activator,
    [property: JsonPropertyName(StatsFields.Samples)] IReadOnlyList<StatsSampleBody> Samples);
