using System.Text.Json.Serialization;

namespace Serverless.Core.Wire.Stats;

/// <summary>Source-generated (reflection-free) JSON for the statistics link, both ends.</summary>
[JsonSerializable(typeof(StatsReportBody))]
[JsonSerializable(typeof(StatsReply))]
[JsonSerializable(typeof(FunctionRefBody))]
[JsonSerializable(typeof(StatsErrorBody))]
public sealed partial class StatsJsonContext : JsonSerializerContext;
