using System.Text.Json.Serialization;

namespace Serverless.Core.Wire.Stats;

/// <summary>A 400 or 413 of the statistics endpoints: what is wrong, naming the field (<c>samples[0].time: …</c>).</summary>
public sealed record StatsErrorBody([property: JsonPropertyName(StatsFields.Error)] string Error);
