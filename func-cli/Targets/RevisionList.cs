using System.Text.Json.Serialization;
using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Cli.Targets;

/// <summary>A Kubernetes-shaped list of Revisions: the admin API's answer and <c>func revisions -o json|yaml</c>'s output.</summary>
internal sealed class RevisionList
{
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("metadata")]
    public V1ListMeta? Metadata { get; set; }

    [JsonPropertyName("items")]
    public IList<Revision>? Items { get; set; }
}
