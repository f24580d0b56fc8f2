using System.Text.Json.Serialization;

namespace Serverless.Cli.Targets;

/// <summary>The local platform's <c>GET /stats/functions</c> body, and <c>func top -o json|yaml</c>'s output on either target.</summary>
internal sealed class StatsResponse
{
    [JsonPropertyName("functions")]
    public IList<FunctionStats>? Functions { get; set; }
}
