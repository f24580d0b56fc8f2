namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>A step where the double answers differently from the real server, on purpose or for now, and why.</summary>
internal sealed record KnownDifference(string Scenario, string Step, StepAspect Aspects, string Why);
