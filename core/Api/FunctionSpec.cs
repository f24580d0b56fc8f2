using System.Text.Json.Serialization;
using k8s.Models;

namespace Serverless.Core.Api;

public sealed class FunctionSpec
{
    /// <summary><c>dotnet</c>, <c>node</c> or <c>python</c>.</summary>
    [JsonPropertyName("runtime")]
    public string? Runtime { get; set; }

    /// <summary>
    /// The entry point, runtime-specific: <c>Assembly::Namespace.Type::Method</c> for dotnet,
    /// <c>file.js:export</c> for node, <c>module:function</c> for python. Defaulted per runtime.
    /// </summary>
    [JsonPropertyName("handler")]
    public string? Handler { get; set; }

    /// <summary>A prebuilt image; on Kubernetes it replaces runtime + source.</summary>
    [JsonPropertyName("image")]
    public string? Image { get; set; }

    [JsonPropertyName("source")]
    public FunctionSource? Source { get; set; }

    [JsonPropertyName("env")]
    public IList<EnvVar>? Env { get; set; }

    [JsonPropertyName("resources")]
    public V1ResourceRequirements? Resources { get; set; }

    /// <summary>Longest a request may take, in seconds. Default 300.</summary>
    [JsonPropertyName("timeoutSeconds")]
    public int? TimeoutSeconds { get; set; }

    [JsonPropertyName("scale")]
    public ScaleSpec? Scale { get; set; }

    /// <summary>Knative's traffic block: how requests split between revisions, and tags. Absent: 100% to the latest ready revision.</summary>
    [JsonPropertyName("traffic")]
    public IList<TrafficTarget>? Traffic { get; set; }
}
