namespace Serverless.Cli.Commands;

/// <summary>Where a deploy stands, with the Ready condition's reason and message to show.</summary>
internal sealed record ReadinessVerdict(ReadinessState State, string Reason, string Message);
