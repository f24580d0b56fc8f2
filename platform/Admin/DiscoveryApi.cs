using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Hosting.KubeApi.Discovery;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.Platform.Admin;

/// <summary>
/// Discovery as kubectl and client libraries read it (issue #19 item 1): <c>/version</c>, <c>/api</c>, <c>/apis</c>,
/// <c>/apis/serverless.dev[/v1alpha1]</c>, aggregated discovery and OpenAPI v2/v3, built by the same
/// <see cref="DiscoveryRouter"/> as the Kubernetes API double's, from the CRDs of deploy/crds (one source of truth).
/// </summary>
internal sealed class DiscoveryApi
{
    /// <summary>The API level is Kubernetes 1.32, which kubectl v1.32 expects; the suffix says what answers.</summary>
    public const string GitVersion = "v1.32.0+serverless-local";

    private static readonly string[] Patterns =
    [
        "/version", "/api", "/api/{version}", "/apis", "/apis/{group}", "/apis/{group}/{version}", "/openapi/v2", "/openapi/v3", "/openapi/v3/{**rest}",
    ];

    private readonly IReadOnlyList<ResourceType> _types;

    public DiscoveryApi(IReadOnlyList<ResourceType> types)
    {
        _types = types;
    }

    /// <summary>The kinds the local admin API serves: the CRDs' (Functions, Brokers, Triggers), and Namespaces.</summary>
    public static IReadOnlyList<ResourceType> ServedTypes { get; } =
        [ResourceTypes.Namespaces, .. CustomResourceDefinitions.All.Select(d => d.Type)];

    public void Map(IEndpointRouteBuilder routes)
    {
        foreach (var pattern in Patterns)
        {
            routes.MapGet(pattern, ServeAsync);
        }
    }

    private Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var server = new Uri($"{request.Scheme}://{request.Host}");
        var answer = DiscoveryRouter.Route(request.Path.Value, request.Headers.Accept.ToString(), _types, server, GitVersion);
        switch (answer)
        {
            case null or { NotFoundPage: true }:
                // As the real server: a plain-text page, not a Status object, for a path it does not serve.
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync(DiscoveryAnswer.NotFoundPageText, context.RequestAborted);
            case { Failure: { } failure }:
                return StatusResponses.FailAsync(context, failure);
            default:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = answer.ContentType;
                return context.Response.WriteAsync(answer.Document!.ToJsonString(), context.RequestAborted);
        }
    }
}
