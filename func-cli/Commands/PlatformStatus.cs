using System.Text.Json.Serialization;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func status --output json|yaml</c>: the fields the table shows, with the function count as text ("3", or
/// "unknown (…)"). <see cref="AdminToken"/> says where the CLI's admin credential comes from, never what it is.
/// </summary>
internal sealed record PlatformStatus(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("startedAt")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("ingressUrl")] string IngressUrl,
    [property: JsonPropertyName("adminUrl")] string AdminUrl,
    [property: JsonPropertyName("adminToken")] string AdminToken,
    [property: JsonPropertyName("home")] string Home,
    [property: JsonPropertyName("functions")] string Functions,
    [property: JsonPropertyName("sandbox"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Sandbox = null,
    [property: JsonPropertyName("pool"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, int>? Pool = null);
