using System.Text.Json.Serialization;

namespace Serverless.Autoscaler.Ingest;

/// <summary>The answer to <c>POST /stats</c>: this autoscaler's instance id, new at every start.</summary>
internal sealed record StatsReplyBody([property: JsonPropertyName("autoscaler")] string Autoscaler);
