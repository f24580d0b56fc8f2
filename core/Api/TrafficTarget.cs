using System.Text.Json.Serialization;

namespace Serverless.Core.Api;

/// <summary>
/// One entry of <c>spec.traffic</c> / <c>status.traffic</c>, Knative's <c>TrafficTarget</c>: a share of the requests
/// for a named revision or for the latest ready one, optionally with a tag that gets its own URL.
/// </summary>
public sealed class TrafficTarget
{
    /// <summary>A DNS-1123 label; the tag's URLs are <c>{tag}-{function}.{namespace}.{domain}</c> and <c>/{namespace}/{function}@{tag}/</c>.</summary>
    [JsonPropertyName("tag")]
    public string? Tag { get; set; }

    /// <summary>A Revision of this Function, as <c>{function}-{generation:00000}</c>. Exclusive with <see cref="LatestRevision"/>.</summary>
    [JsonPropertyName("revisionName")]
    public string? RevisionName { get; set; }

    /// <summary>True: follow the latest ready revision. In <c>status.traffic</c> it is kept beside the resolved <see cref="RevisionName"/>.</summary>
    [JsonPropertyName("latestRevision")]
    public bool? LatestRevision { get; set; }

    /// <summary>0 to 100; the percents of a list sum to 100. Absent counts as 0 (a tag-only target).</summary>
    [JsonPropertyName("percent")]
    public int? Percent { get; set; }

    /// <summary>Status only: the tag's URL.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; set; }
}
