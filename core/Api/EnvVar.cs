using System.Text.Json.Serialization;

namespace Serverless.Core.Api;

public sealed class EnvVar
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("value")]
    public string? Value { get; set; }
}
