namespace Serverless.Cli.Targets;

/// <summary>Which log lines <see cref="IFunctionTarget.LogsAsync"/> returns.</summary>
/// <param name="Follow">Keep streaming new lines after the snapshot.</param>
/// <param name="TailLines">The last N lines of the snapshot (over all instances together); null for the target's default (100).</param>
internal sealed record LogRequest(bool Follow, int? TailLines);
