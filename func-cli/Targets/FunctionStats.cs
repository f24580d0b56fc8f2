using System.Text.Json.Serialization;

namespace Serverless.Cli.Targets;

/// <summary>One function's live figures, as <c>func top</c> shows them. Counts a target cannot measure are null and shown as "-".</summary>
internal sealed record FunctionStats
{
    [JsonPropertyName("namespace")]
    public required string Namespace { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Instances the autoscaler wants.</summary>
    [JsonPropertyName("desiredInstances")]
    public required int DesiredInstances { get; init; }

    /// <summary>Instances answering readiness.</summary>
    [JsonPropertyName("readyInstances")]
    public required int ReadyInstances { get; init; }

    /// <summary>Requests being handled by instances, from the latest per-second sample.</summary>
    [JsonPropertyName("inFlight")]
    public int? InFlight { get; init; }

    /// <summary>Requests per second over the latest sample.</summary>
    [JsonPropertyName("requestsPerSecond")]
    public double? RequestsPerSecond { get; init; }

    /// <summary>Requests waiting in the activator for capacity.</summary>
    [JsonPropertyName("queueDepth")]
    public int? QueueDepth { get; init; }

    /// <summary>Scale-from-zero starts during the last 60 seconds.</summary>
    [JsonPropertyName("coldStartsLastMinute")]
    public int? ColdStartsLastMinute { get; init; }
}
