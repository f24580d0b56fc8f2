using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Validation.Cel;

/// <summary>Rules compiled for one schema, to run on one value of it (<see cref="CelEngine.EvaluateAll"/>).</summary>
/// <param name="OldSelf">The stored value, for the rules that read <c>oldSelf</c>; null on create.</param>
public sealed record CelEvaluation(IReadOnlyList<CelProgram> Programs, JsonNode? Self, JsonNode? OldSelf = null);
