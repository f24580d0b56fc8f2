using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Serverless.Core.Api;

/// <summary>
/// An immutable snapshot of what a Function's instances run, named <c>{function}-{generation:00000}</c> as Knative
/// names them, owned by its Function (label <c>serverless.dev/function</c> and an owner reference). The controller
/// creates it; its spec never changes afterwards.
/// </summary>
public sealed class Revision : IKubernetesObject<V1ObjectMeta>, IResource
{
    public const string KindName = "Revision";
    public const string Plural = "revisions";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Api.ApiGroup.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public RevisionSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public RevisionStatus? Status { get; set; }

    object? IResource.SpecObject => Spec;
}
