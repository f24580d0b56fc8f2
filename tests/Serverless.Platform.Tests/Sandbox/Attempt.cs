using System.Text.Json.Serialization;

namespace Serverless.Platform.Tests.Sandbox;

/// <summary>The sandbox-probe function's report of one attempt: whether it worked, and the error it got otherwise.</summary>
public sealed record Attempt(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("ppid")] int? ParentPid = null);
