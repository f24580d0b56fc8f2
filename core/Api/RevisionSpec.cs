using System.Text.Json.Serialization;
using k8s.Models;

namespace Serverless.Core.Api;

/// <summary>The fields of a Function's spec that decide what an instance runs, as they were when the revision was cut.</summary>
public sealed class RevisionSpec
{
    /// <summary>The Function this revision belongs to.</summary>
    [JsonPropertyName("function")]
    public string? Function { get; set; }

    /// <summary>The hash of the fields below (<c>WorkloadSpecBuilder.Revision</c>); a Function whose hash changes gets a new Revision.</summary>
    [JsonPropertyName("contentHash")]
    public string? ContentHash { get; set; }

    [JsonPropertyName("runtime")]
    public string? Runtime { get; set; }

    [JsonPropertyName("handler")]
    public string? Handler { get; set; }

    [JsonPropertyName("image")]
    public string? Image { get; set; }

    [JsonPropertyName("source")]
    public FunctionSource? Source { get; set; }

    [JsonPropertyName("env")]
    public IList<EnvVar>? Env { get; set; }

    [JsonPropertyName("resources")]
    public V1ResourceRequirements? Resources { get; set; }

    [JsonPropertyName("timeoutSeconds")]
    public int? TimeoutSeconds { get; set; }

    /// <summary>0 means unlimited.</summary>
    [JsonPropertyName("containerConcurrency")]
    public int? ContainerConcurrency { get; set; }
}
