using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>A request as the recorder sent it; <see cref="Body"/> is JSON, or a JSON string holding raw text (YAML, broken JSON).</summary>
internal sealed record RecordedRequest(string Method, string Path, string? ContentType, string? Accept, JsonNode? Body, bool IsWatch);
