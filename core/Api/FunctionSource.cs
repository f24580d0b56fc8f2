using System.Text.Json.Serialization;

namespace Serverless.Core.Api;

/// <summary>Where a function's code is. Exactly one of the fields is set.</summary>
public sealed class FunctionSource
{
    /// <summary>Local mode: an absolute path to the function's artifact directory (what the runtime loads).</summary>
    [JsonPropertyName("path")]
    public string? Path { get; set; }

    /// <summary>Kubernetes mode: a ConfigMap in the Function's namespace holding the artifact.</summary>
    [JsonPropertyName("configMap")]
    public string? ConfigMap { get; set; }
}
