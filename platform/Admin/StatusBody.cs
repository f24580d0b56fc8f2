using System.Text.Json.Serialization;

namespace Serverless.Platform.Admin;

/// <summary>
/// A Kubernetes <c>meta/v1 Status</c> as written on the wire. Our own type because
/// KubernetesClient's <c>V1Status</c> converter can read but not write (NotImplementedException).
/// </summary>
internal sealed record StatusBody(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("details")] StatusDetailsBody? Details)
{
    [JsonPropertyName("kind")]
    public string Kind => "Status";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion => "v1";
}

internal sealed record StatusDetailsBody(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("group")] string? Group,
    [property: JsonPropertyName("kind")] string? Kind,
    [property: JsonPropertyName("causes")] IReadOnlyList<StatusCauseBody>? Causes);

internal sealed record StatusCauseBody(
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("field")] string Field);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusBody))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
