using System.Text.Json.Serialization;

namespace Serverless.Activator.Reporting.Wire;

/// <summary><c>POST /scale-from-zero</c> to the autoscaler.</summary>
internal sealed record FunctionRefBody(
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("name")] string Name);
