using System.Text.Json.Serialization;

namespace Serverless.Core.Api;

/// <summary>
/// A gradual rollout in progress (Knative's <c>rollout-duration</c>; Knative keeps the same figures in its Route's
/// <c>serving.knative.dev/rollout</c> annotation): the share of the latest-revision traffic that has moved from
/// <see cref="PreviousRevisionName"/> to <see cref="RevisionName"/>, and when the last step was taken.
/// </summary>
public sealed class RolloutStatus
{
    /// <summary>The revision rolling in: the latest ready one.</summary>
    [JsonPropertyName("revisionName")]
    public string RevisionName { get; set; } = "";

    /// <summary>The revision rolling out: the one the latest-revision traffic went to before.</summary>
    [JsonPropertyName("previousRevisionName")]
    public string PreviousRevisionName { get; set; } = "";

    /// <summary>The percent of all traffic <see cref="RevisionName"/> has now.</summary>
    [JsonPropertyName("percent")]
    public int Percent { get; set; }

    /// <summary>The percent it has once the rollout is done: the sum of the <c>latestRevision</c> targets.</summary>
    [JsonPropertyName("targetPercent")]
    public int TargetPercent { get; set; }

    /// <summary>How many percent one step moves.</summary>
    [JsonPropertyName("stepPercent")]
    public int StepPercent { get; set; }

    /// <summary>The least time between two steps, in milliseconds.</summary>
    [JsonPropertyName("stepIntervalMilliseconds")]
    public long StepIntervalMilliseconds { get; set; }

    [JsonPropertyName("lastStepTime")]
    public DateTime LastStepTime { get; set; }
}
