using System.Text.Json.Serialization;

namespace Serverless.Core.Wire;

/// <summary>
/// <c>{home}/platform.json</c>: how the CLI finds a running local platform. The platform writes it atomically
/// once it serves, with the ports it actually bound, and removes it on a clean shutdown. A SIGKILLed platform
/// leaves it behind, so its presence alone proves nothing: readers check the pid.
/// </summary>
/// <remarks>
/// Written by <c>platform/State/PlatformStateFile</c>, read and checked by <c>func-cli/Platform/PlatformStateFile</c>.
/// Every field is optional on the wire (an old or hand-edited file may lack one); the CLI refuses a file whose
/// pid or URLs are missing or invalid.
/// </remarks>
public sealed record PlatformStateRecord
{
    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    [JsonPropertyName("adminUrl")]
    public string AdminUrl { get; init; } = "";

    [JsonPropertyName("ingressUrl")]
    public string IngressUrl { get; init; } = "";

    /// <summary>The state directory the platform serves.</summary>
    [JsonPropertyName("home")]
    public string? Home { get; init; }

    [JsonPropertyName("startedAt")]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Whether instances run in the sandbox; false after <c>func up --no-sandbox</c>. Null from an older platform.</summary>
    [JsonPropertyName("sandbox")]
    public bool? Sandbox { get; init; }

    /// <summary>
    /// Warm generic instances kept per pooled runtime (<c>local.pool-size</c>); empty when no pool is kept (pool-size 0,
    /// or the sandbox on). Null from an older platform.
    /// </summary>
    [JsonPropertyName("pool")]
    public IReadOnlyDictionary<string, int>? Pool { get; init; }
}
