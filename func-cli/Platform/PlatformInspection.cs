namespace Serverless.Cli.Platform;

/// <summary>What <see cref="PlatformProbe"/> found: the verdict, the state file if any, and a problem to report.</summary>
internal sealed record PlatformInspection(PlatformLiveness Liveness, PlatformState? State, string? Problem);
