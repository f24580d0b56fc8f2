namespace Serverless.Cli.Build;

/// <summary>What <see cref="ArtifactStore.Install"/> did.</summary>
/// <param name="Path">The sealed directory holding the artifact.</param>
/// <param name="Copied">False when a verified copy was already there.</param>
/// <param name="Replaced">Why a stored copy of the same digest was removed instead of used (it was tampered with, or not sealed); null when none was.</param>
internal sealed record ArtifactInstall(string Path, bool Copied, string? Replaced);
