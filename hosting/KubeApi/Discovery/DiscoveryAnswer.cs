using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Discovery;

/// <summary>
/// What a discovery or OpenAPI path answers, for the server in front of it to write: a JSON document in a media type,
/// the real server's plain-text 404 page (<see cref="NotFoundPage"/>), or a Status failure.
/// </summary>
internal sealed record DiscoveryAnswer(JsonNode? Document, string ContentType, ApiException? Failure = null)
{
    public const string NotFoundPageText = "404 page not found\n";

    public bool NotFoundPage => Document is null && Failure is null;

    public static DiscoveryAnswer Json(JsonNode? document, string contentType = "application/json") => new(document, contentType);

    public static DiscoveryAnswer Fail(ApiException failure) => new(null, "application/json", failure);
}
