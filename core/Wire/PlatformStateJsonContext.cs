using System.Text.Json.Serialization;

namespace Serverless.Core.Wire;

/// <summary>Source-generated serialization of <see cref="PlatformStateRecord"/>, the same on the writing and the reading side.</summary>
[JsonSerializable(typeof(PlatformStateRecord))]
public sealed partial class PlatformStateJsonContext : JsonSerializerContext;
