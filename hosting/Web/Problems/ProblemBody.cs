using System.Text.Json.Serialization;

namespace Serverless.Hosting.Web.Problems;

/// <summary>
/// The RFC 7807 members we send, in this order: <c>{"title":…,"status":…,"detail":…}</c>, and <c>"instance"</c> when
/// the occurrence has an id to find it by in the logs.
/// </summary>
internal sealed record ProblemBody(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("instance"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Instance = null);
