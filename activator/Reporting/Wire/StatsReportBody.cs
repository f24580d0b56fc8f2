using System.Text.Json.Serialization;

namespace Serverless.Activator.Reporting.Wire;

/// <summary><c>POST /stats</c> to the autoscaler (the wire format is in the README and kube-contract).</summary>
internal sealed record StatsReportBody(
    [property: JsonPropertyName("activator")] string Activator,
    [property: JsonPropertyName("samples")] IReadOnlyList<StatsSampleBody> Samples);
