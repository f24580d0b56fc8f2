using System.Text.Json.Serialization;

namespace Serverless.Hosting.Web.Problems;

/// <summary>Source-generated serialization of <see cref="ProblemBody"/>: no reflection, trimming-safe.</summary>
[JsonSerializable(typeof(ProblemBody))]
internal sealed partial class ProblemJsonContext : JsonSerializerContext;
