using System.Text.Json.Serialization;
using k8s.Models;

namespace Serverless.Core.Api;

public sealed class FunctionStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary><c>Ready</c>, <c>WorkloadReady</c> and <c>RouteReady</c>; see <see cref="ConditionTypes"/>.</summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("replicas")]
    public int? Replicas { get; set; }

    [JsonPropertyName("readyReplicas")]
    public int? ReadyReplicas { get; set; }

    /// <summary>The revision of the spec the workload runs; a changed revision is a rollout.</summary>
    [JsonPropertyName("latestRevision")]
    public string? LatestRevision { get; set; }
}
