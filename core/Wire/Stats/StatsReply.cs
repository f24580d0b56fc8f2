using System.Text.Json.Serialization;

namespace Serverless.Core.Wire.Stats;

/// <summary>
/// The autoscaler's answer to <c>POST /stats</c>: its instance id, new at every start, so an activator that sees it
/// change replays its recent samples. Nullable for the reading end: an activator counts a reply without it as a failure.
/// </summary>
public sealed record StatsReply([property: JsonPropertyName(StatsFields.Autoscaler)] string? Autoscaler);
