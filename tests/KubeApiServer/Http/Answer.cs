using System.Net;
using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Http;

/// <summary>A response to write: a JSON body (as YAML when asked), or plain text.</summary>
internal sealed record Answer(HttpStatusCode Code, JsonNode? Body, bool Yaml = false, string? Text = null)
{
    /// <summary>Warning header texts (<c>unknown field "spec.x"</c>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
