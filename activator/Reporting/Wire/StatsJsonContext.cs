using System.Text.Json.Serialization;

namespace Serverless.Activator.Reporting.Wire;

/// <summary>Source-generated (reflection-free) JSON for the statistics link.</summary>
[JsonSerializable(typeof(StatsReportBody))]
[JsonSerializable(typeof(StatsReply))]
[JsonSerializable(typeof(FunctionRefBody))]
internal sealed partial class StatsJsonContext : JsonSerializerContext;
