using System.Text.Json.Serialization;
using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Cli.Admin;

/// <summary>The admin API's list response, shaped like a Kubernetes list.</summary>
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
