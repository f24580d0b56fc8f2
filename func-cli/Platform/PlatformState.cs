using Serverless.Core.Wire;

namespace Serverless.Cli.Platform;

/// <summary>
/// A <c>{home}/platform.json</c> that passed the CLI's checks in <see cref="PlatformStateFile.Parse"/>: a
/// positive pid and two absolute http(s) URLs, kept parsed. The file outlives a SIGKILLed platform, so
/// this says where a platform was, not that it runs.
/// </summary>
/// <param name="Record">The file as the platform wrote it.</param>
internal sealed record PlatformState(PlatformStateRecord Record, Uri AdminUri, Uri IngressUri)
{
    public int Pid => Record.Pid;

    public string AdminUrl => Record.AdminUrl;

    public string IngressUrl => Record.IngressUrl;

    public string? Home => Record.Home;

    public DateTimeOffset? StartedAt => Record.StartedAt;

    /// <summary>False when instances run unsandboxed; null from a platform that does not say.</summary>
    public bool? Sandbox => Record.Sandbox;

    /// <summary>Warm instances kept per pooled runtime; empty: no pool; null from a platform that does not say.</summary>
    public IReadOnlyDictionary<string, int>? Pool => Record.Pool;
}
