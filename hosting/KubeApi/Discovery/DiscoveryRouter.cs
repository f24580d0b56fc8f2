using System.Net;
using Serverless.Hosting.KubeApi.Resources;

namespace Serverless.Hosting.KubeApi.Discovery;

/// <summary>
/// The discovery paths of an API server: <c>/version</c>, <c>/api</c>, <c>/apis</c>, <c>/apis/{group}[/{version}]</c>,
/// <c>/api/{version}</c>, aggregated discovery (chosen by Accept, as kubectl 1.30+ asks first) and OpenAPI v2/v3, all
/// built from the served <see cref="ResourceType"/>s and the CRDs of deploy/crds.
/// </summary>
internal static class DiscoveryRouter
{
    private const string AggregatedMediaType = "application/json;g=apidiscovery.k8s.io;v={0};as=APIGroupDiscoveryList";

    /// <summary>The answer for a discovery path; null for any other path (resources, health, the server's own).</summary>
    /// <param name="gitVersion">What <c>/version</c> reports as <c>gitVersion</c> (the API level is 1.32 either way).</param>
    public static DiscoveryAnswer? Route(string? path, string accept, IReadOnlyList<ResourceType> types, Uri server, string gitVersion)
    {
        var segments = (path ?? "/").TrimEnd('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments switch
        {
            ["version"] => DiscoveryAnswer.Json(DiscoveryDocuments.Version(gitVersion)),
            ["api"] => AggregatedVersion(accept) is { } coreVersion
                ? DiscoveryAnswer.Json(DiscoveryDocuments.Aggregated(types, core: true, coreVersion), string.Format(null, AggregatedMediaType, coreVersion))
                : DiscoveryAnswer.Json(DiscoveryDocuments.ApiVersions(server)),
            ["apis"] => AggregatedVersion(accept) is { } version
                ? DiscoveryAnswer.Json(DiscoveryDocuments.Aggregated(types, core: false, version), string.Format(null, AggregatedMediaType, version))
                : DiscoveryAnswer.Json(DiscoveryDocuments.GroupList(types)),
            ["apis", var group] => DiscoveryAnswer.Json(DiscoveryDocuments.Group(types, group)),
            ["apis", var group, var groupVersion] => DiscoveryAnswer.Json(DiscoveryDocuments.ResourceList(types, group, groupVersion)),
            ["api", var coreGroupVersion] => DiscoveryAnswer.Json(DiscoveryDocuments.ResourceList(types, "", coreGroupVersion)),
            // kubectl asks for the protobuf encoding first; only JSON is on offer here, and it falls back to it.
            ["openapi", "v2"] when !AcceptsJson(accept) => DiscoveryAnswer.Fail(
                new ApiException(HttpStatusCode.NotAcceptable, "NotAcceptable", "/openapi/v2 is served as application/json only")),
            ["openapi", "v2"] => DiscoveryAnswer.Json(OpenApiDocuments.V2(types)),
            // The real server sends the index as text/plain.
            ["openapi", "v3"] => DiscoveryAnswer.Json(OpenApiDocuments.V3Index(types), "text/plain; charset=utf-8"),
            ["openapi", "v3", .. var rest] => DiscoveryAnswer.Json(OpenApiDocuments.V3(types, string.Join('/', rest))),
            _ => null,
        };
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
