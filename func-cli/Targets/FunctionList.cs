using System.Text.Json.Serialization;
using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Cli.Targets;

/// <summary>The admin API's list response, shaped like a Kubernetes list, and <c>func list -o json|yaml</c>'s output on either target.</summary>
internal sealed class FunctionList
{
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("metadata")]
    public V1ListMeta? Metadata { get; set; }

    [JsonPropertyName("items")]
    public IList<Function>? Items { get; set; }
}
