using Microsoft.AspNetCore.Http;
using Serverless.KubeApiServer.Http;
using Serverless.Hosting.KubeApi.Resources;

namespace Serverless.KubeApiServer.Discovery;

/// <summary>
/// The paths that are not resources: <c>/version</c>, health, and discovery and OpenAPI (<see cref="DiscoveryRouter"/>,
/// shared with the local admin API). Anything else outside <c>/api/v1/…</c> and <c>/apis/{group}/{version}/…</c> is the
/// plain-text 404 page.
/// </summary>
internal static class DiscoveryEndpoints
{
    public const string GitVersion = "v1.32.0-kube-api-double";

    /// <summary>Answers the request when it is a non-resource path; false for resource paths.</summary>
    public static async Task<bool> TryServeAsync(HttpContext context, IReadOnlyList<ResourceType> types, Uri server, CancellationToken cancellationToken)
    {
        var path = (context.Request.Path.Value ?? "/").TrimEnd('/');
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["healthz" or "readyz" or "livez", ..])
        {
            await Responses.Text(context, 200, "ok", cancellationToken);
            return true;
        }

        var answer = DiscoveryRouter.Route(path, context.Request.Headers.Accept.ToString(), types, server, GitVersion);
        switch (answer)
        {
            case null when segments is ["api" or "apis", ..]:
                return false;
            case null or { NotFoundPage: true }:
                await Responses.NotFoundPage(context, cancellationToken);
                return true;
            case { Failure: { } failure }:
                await Responses.Status(context, failure, cancellationToken);
                return true;
            default:
                await Responses.Json(context, answer.Document!, answer.ContentType, cancellationToken);
                return true;
        }
    }
}
