using System.Text.Json.Serialization;

namespace Serverless.Autoscaler.Ingest;

/// <summary>A 400 or 413 of the statistics endpoints: what is wrong, naming the field (<c>samples[0].time: …</c>).</summary>
internal sealed record StatsErrorBody([property: JsonPropertyName("error")] string Error);
