using System.Net;
using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Tests.Http;

/// <summary>A response read by <see cref="RawApi"/>: the code, the body (as JSON when it is), and the Warning headers.</summary>
internal sealed record RawResponse(HttpStatusCode Status, JsonNode? Json, string Text, IReadOnlyList<string> Warnings)
{
    public string? Reason => Json?["reason"]?.GetValue<string>();

    /// <summary>The Status causes as <c>reason@field</c>, sorted.</summary>
    public IReadOnlyList<string> Causes =>
        (Json?["details"]?["causes"] as JsonArray ?? [])
            .Select(c => $"{c?["reason"]?.GetValue<string>()}@{c?["field"]?.GetValue<string>()}")
            .Order(StringComparer.Ordinal)
            .ToList();
}
