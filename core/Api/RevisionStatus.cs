using System.Text.Json.Serialization;
using k8s.Models;

namespace Serverless.Core.Api;

public sealed class RevisionStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary><c>Ready</c> (instances of this revision answered readiness at least once) and <c>Active</c> (it has traffic).</summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("replicas")]
    public int? Replicas { get; set; }

    [JsonPropertyName("readyReplicas")]
    public int? ReadyReplicas { get; set; }

    /// <summary>The percent of the Function's traffic this revision receives now (tags not counted).</summary>
    [JsonPropertyName("trafficPercent")]
    public int? TrafficPercent { get; set; }
}
