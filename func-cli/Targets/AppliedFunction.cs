using Serverless.Core.Api;

namespace Serverless.Cli.Targets;

/// <summary>What <see cref="IFunctionTarget.ApplyAsync"/> stored.</summary>
/// <param name="Function">The stored Function (its generation is what <c>func deploy</c> waits for).</param>
/// <param name="ArtifactLocation">Where the artifact lives: a directory locally, <c>configmap/NAME</c> on Kubernetes.</param>
/// <param name="ArtifactUploaded">False when that digest was already there and nothing was copied.</param>
/// <param name="ArtifactReplaced">Why a stored copy of the artifact was removed rather than used (locally: tampered with, or not sealed); null when none was.</param>
internal sealed record AppliedFunction(Function Function, string ArtifactLocation, bool ArtifactUploaded, string? ArtifactReplaced = null);
