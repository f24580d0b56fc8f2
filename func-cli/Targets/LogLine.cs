namespace Serverless.Cli.Targets;

/// <summary>One line of a function's log.</summary>
/// <param name="Instance">The instance (local) or pod (Kubernetes) that wrote it.</param>
/// <param name="Text">The line as the target stores it, timestamp first when it has one, without a trailing newline.</param>
internal sealed record LogLine(string Instance, string Text);
