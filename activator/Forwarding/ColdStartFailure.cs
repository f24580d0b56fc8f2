namespace Serverless.Activator.Forwarding;

/// <summary>A cold start that cannot succeed, answered to the waiting requests (a 5xx problem).</summary>
public sealed record ColdStartFailure(int Status, string Title, string Detail);
