using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.KubeApiServer.Http;
using Serverless.KubeApiServer.Resources;

namespace Serverless.KubeApiServer.Discovery;

/// <summary>
/// The paths that are not resources: <c>/version</c>, health, discovery (legacy and aggregated, by Accept) and OpenAPI.
/// Anything else outside <c>/api/v1/…</c> and <c>/apis/{group}/{version}/…</c> is the plain-text 404 page.
/// </summary>
internal static class DiscoveryEndpoints
{
    private const string AggregatedMediaType = "application/json;g=apidiscovery.k8s.io;v={0};as=APIGroupDiscoveryList";

    /// <summary>Answers the request when it is a non-resource path; false for resource paths.</summary>
    public static async Task<bool> TryServeAsync(HttpContext context, IReadOnlyList<ResourceType> types, Uri server, CancellationToken cancellationToken)
    {
        var path = (context.Request.Path.Value ?? "/").TrimEnd('/');
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var accept = context.Request.Headers.Accept.ToString();
        switch (segments)
        {
            case ["version"]:
                await Responses.Json(context, DiscoveryDocuments.Version(), "application/json", cancellationToken);
                return true;
            case ["healthz" or "readyz" or "livez", ..]:
                await Responses.Text(context, 200, "ok", cancellationToken);
                return true;
            case ["api"]:
                if (AggregatedVersion(accept) is { } coreVersion)
                {
                    await Responses.Json(context, DiscoveryDocuments.Aggregated(types, core: true, coreVersion), string.Format(null, AggregatedMediaType, coreVersion), cancellationToken);
                }
                else
                {
                    await Responses.Json(context, DiscoveryDocuments.ApiVersions(server), "application/json", cancellationToken);
                }

                return true;
            case ["apis"]:
                if (AggregatedVersion(accept) is { } version)
                {
                    await Responses.Json(context, DiscoveryDocuments.Aggregated(types, core: false, version), string.Format(null, AggregatedMediaType, version), cancellationToken);
                }
                else
                {
                    await Responses.Json(context, DiscoveryDocuments.GroupList(types), "application/json", cancellationToken);
                }

                return true;
            case ["apis", var group]:
                await Serve(context, DiscoveryDocuments.Group(types, group), "application/json", cancellationToken);
                return true;
            case ["apis", var group, var groupVersion]:
                await Serve(context, DiscoveryDocuments.ResourceList(types, group, groupVersion), "application/json", cancellationToken);
                return true;
            case ["api", var coreGroupVersion]:
                await Serve(context, DiscoveryDocuments.ResourceList(types, "", coreGroupVersion), "application/json", cancellationToken);
                return true;
            case ["openapi", "v2"] when !AcceptsJson(accept):
                // kubectl asks for the protobuf encoding; the double has only JSON to offer.
                await Responses.Status(context, new ApiException(HttpStatusCode.NotAcceptable, "NotAcceptable", "the double serves /openapi/v2 as application/json only"), cancellationToken);
                return true;
            case ["openapi", "v2"]:
                await Responses.Json(context, OpenApiDocuments.V2(types), "application/json", cancellationToken);
                return true;
            case ["openapi", "v3"]:
                // The real server sends the index as text/plain.
                await Responses.Json(context, OpenApiDocuments.V3Index(types), "text/plain; charset=utf-8", cancellationToken);
                return true;
            case ["openapi", "v3", .. var rest]:
                await Serve(context, OpenApiDocuments.V3(types, string.Join('/', rest)), "application/json", cancellationToken);
                return true;
            case ["api" or "apis", ..]:
                return false;
            default:
                await Responses.NotFoundPage(context, cancellationToken);
                return true;
        }
    }

    private static async Task Serve(HttpContext context, JsonObject? document, string contentType, CancellationToken cancellationToken)
    {
        if (document is null)
        {
            await Responses.NotFoundPage(context, cancellationToken);
            return;
        }

        await Responses.Json(context, document, contentType, cancellationToken);
    }

    private static bool AcceptsJson(string accept) =>
        accept.Length == 0 || accept.Split(',').Select(r => r.Split(';')[0].Trim()).Any(t => t is "application/json" or "*/*" or "application/*");

    // kubectl asks for v2, then v2beta1, then legacy discovery, in that order of preference.
    private static string? AggregatedVersion(string accept)
    {
        foreach (var range in accept.Split(','))
        {
            var parameters = range.Split(';').Select(p => p.Trim()).ToList();
            if (parameters.Contains("g=apidiscovery.k8s.io") && parameters.Contains("as=APIGroupDiscoveryList"))
            {
                return parameters.FirstOrDefault(p => p.StartsWith("v=", StringComparison.Ordinal))?[2..];
            }

            if (parameters[0] is "application/json" or "*/*")
            {
                return null;
            }
        }

        return null;
    }
}
