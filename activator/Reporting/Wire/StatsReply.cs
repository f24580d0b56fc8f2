using System.Text.Json.Serialization;

namespace Serverless.Activator.Reporting.Wire;

/// <summary>The autoscaler's answer to <c>POST /stats</c>: its instance id, which changes when it restarts.</summary>
internal sealed record StatsReply([property: JsonPropertyName("autoscaler")] string? Autoscaler);
