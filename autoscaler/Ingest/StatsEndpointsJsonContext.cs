using System.Text.Json.Serialization;

namespace Serverless.Autoscaler.Ingest;

/// <summary>Source-generated (reflection-free) JSON for <see cref="StatsEndpoints"/>' answers.</summary>
[JsonSerializable(typeof(StatsReplyBody))]
[JsonSerializable(typeof(StatsErrorBody))]
internal sealed partial class StatsEndpointsJsonContext : JsonSerializerContext;
