using System.Text;
using Microsoft.AspNetCore.Http;
using Serverless.Runtime.Dotnet.Invocation;
using Serverless.Runtime.Dotnet.Metrics;

namespace Serverless.Runtime.Dotnet.Hosting;

/// <summary>
/// The whole request pipeline: on the platform port the reserved paths (anything else there is 404), on the public
/// port the function for every path. A plain switch rather than routing: nothing to build at startup and nothing to
/// match per request.
/// </summary>
/// <param name="platformPort">PLATFORM_PORT, or null when the runtime serves no platform endpoint.</param>
internal sealed class RequestDispatcher(InvocationPipeline invocation, ReadinessState readiness, RuntimeMetrics metrics, int? platformPort)
{
    public Task DispatchAsync(HttpContext context) =>
        platformPort is { } port && context.Connection.LocalPort == port ? DispatchPlatformAsync(context) : invocation.InvokeAsync(context);

    private Task DispatchPlatformAsync(HttpContext context) => context.Request.Path.Value switch
    {
        ReservedPaths.Health => WriteTextAsync(context.Response, StatusCodes.Status200OK, "ok"),
        ReservedPaths.Ready => readiness.Phase switch
        {
            ReadinessPhase.Ready => WriteTextAsync(context.Response, StatusCodes.Status200OK, "ready"),
            ReadinessPhase.Draining => WriteTextAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "draining"),
            _ => WriteTextAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "loading"),
        },
        ReservedPaths.Metrics => WriteMetricsAsync(context),
        _ => WriteTextAsync(context.Response, StatusCodes.Status404NotFound, "not found: the platform port serves /healthz, /readyz and /metrics"),
    };

    private Task WriteMetricsAsync(HttpContext context)
    {
        context.Response.ContentType = RuntimeMetrics.ContentType;
        return metrics.WriteAsync(context.Response.Body, context.RequestAborted);
    }

    private static Task WriteTextAsync(HttpResponse response, int statusCode, string text)
    {
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(text);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes).AsTask();
    }
}
