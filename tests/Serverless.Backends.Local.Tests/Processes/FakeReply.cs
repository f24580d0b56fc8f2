using System.Text.Json.Serialization;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>What the fake runtime answers on any path but its probes.</summary>
internal sealed record FakeReply(
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("path")] string Path);
