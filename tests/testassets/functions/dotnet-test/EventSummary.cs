namespace DotnetTest;

/// <summary>The data of a reply event: what was received.</summary>
public sealed record EventSummary(string ReceivedId, string ReceivedType, string ReceivedSource, string? ReceivedData);
