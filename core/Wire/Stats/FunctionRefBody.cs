using System.Text.Json.Serialization;

namespace Serverless.Core.Wire.Stats;

/// <summary><c>POST /scale-from-zero</c>, from an activator to the autoscaler: the function a request waits for.</summary>
public sealed record FunctionRefBody(
    [property: JsonPropertyName(StatsFields.Namespace)] string Namespace,
    [property: JsonPropertyName(StatsFields.Name)] string Name);
