namespace Serverless.Hosting.Stores;

/// <summary>What an apply wrote, and the object as stored afterwards (the live one when nothing was written).</summary>
public sealed record ApplyResult<T>(ApplyOutcome Outcome, T Object);
