using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>
/// What a server answered (the real one in a recording, or the double in a replay). <see cref="Body"/> is JSON, or a
/// JSON string holding a text body (YAML, plain text, protobuf bytes as text). A watch has <see cref="Events"/>
/// instead, and <see cref="StreamEnded"/> when the server closed the stream.
/// </summary>
internal sealed record ObservedResponse(
    int Status,
    string? ContentType,
    IReadOnlyList<string> Warnings,
    JsonNode? Body,
    IReadOnlyList<JsonObject>? Events,
    bool StreamEnded);
