using System.Text.Json.Serialization;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>What the fake runtime answers on any path but its probes.</summary>
internal sealed record FakeReply(
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("uid")] int Uid = 0,
    [property: JsonPropertyName("gid")] int Gid = 0,
    [property: JsonPropertyName("home")] string? Home = null,
    [property: JsonPropertyName("cwd")] string? Cwd = null);

/// <summary>What the fake runtime's <c>/probe?path=</c> saw of a path.</summary>
internal sealed record FakeProbe(
    [property: JsonPropertyName("exists")] bool Exists,
    [property: JsonPropertyName("readable")] bool Readable,
    [property: JsonPropertyName("writable")] bool Writable,
    [property: JsonPropertyName("error")] string? Error);
