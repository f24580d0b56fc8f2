using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Serverless.Core.Api;

/// <summary>A function: code plus the settings that turn it into a scalable HTTP endpoint.</summary>
public sealed class Function : IKubernetesObject<V1ObjectMeta>, IResource
{
    public const string KindName = "Function";
    public const string Plural = "functions";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Api.ApiGroup.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public FunctionSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public FunctionStatus? Status { get; set; }

    object? IResource.SpecObject => Spec;
}
