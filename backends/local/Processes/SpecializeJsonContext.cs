using System.Text.Json.Serialization;

namespace Serverless.Backends.Local.Processes;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SpecializeRequest))]
internal sealed partial class SpecializeJsonContext : JsonSerializerContext;
