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

    /// <summary>The newest Revision created for this Function (<c>{function}-{generation:00000}</c>).</summary>
    [JsonPropertyName("latestCreatedRevision")]
    public string? LatestCreatedRevision { get; set; }

    /// <summary>The newest Revision whose instances turned ready; <c>latestRevision: true</c> traffic goes to it.</summary>
    [JsonPropertyName("latestReadyRevision")]
    public string? LatestReadyRevision { get; set; }

    /// <summary>
    /// The revision that runs under the Function's own key (<c>{namespace}/{function}</c>) rather than its revision's
    /// name; null when every revision is a workload keyed by its name (issue #17). Set while a workload of an older
    /// layout keeps serving until its revision's own workload is ready, on a backend that still runs its main
    /// revision under the Function's key, and for a revision whose name another Function has. The activator and the
    /// autoscaler map that revision to the Function's key and every other one to its name.
    /// </summary>
    [JsonPropertyName("functionKeyRevision")]
    public string? FunctionKeyRevision { get; set; }

    /// <summary>The resolved split: every target names its revision, tagged ones carry their URL.</summary>
    [JsonPropertyName("traffic")]
    public IList<TrafficTarget>? Traffic { get; set; }

    /// <summary>The gradual rollout in progress (<c>rollout-duration</c>), else null.</summary>
    [JsonPropertyName("rollout")]
    public RolloutStatus? Rollout { get; set; }
}
