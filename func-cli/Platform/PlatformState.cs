using System.Text.Json.Serialization;

namespace Serverless.Cli.Platform;

/// <summary>
/// <c>{home}/platform.json</c>, written by a ready platform with the ports it actually bound and
/// removed on clean shutdown. A SIGKILLed platform leaves it behind, so its presence alone proves nothing.
/// </summary>
internal sealed record PlatformState
{
    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    [JsonPropertyName("adminUrl")]
    public string AdminUrl { get; init; } = "";

    [JsonPropertyName("ingressUrl")]
    public string IngressUrl { get; init; } = "";

    [JsonPropertyName("home")]
    public string? Home { get; init; }

    [JsonPropertyName("startedAt")]
    public DateTimeOffset? StartedAt { get; init; }

    [JsonIgnore]
    public Uri AdminUri => new(AdminUrl);

    [JsonIgnore]
    public Uri IngressUri => new(IngressUrl);
}
