using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Serverless.Runtime.Dotnet.Hosting;
using Serverless.Runtime.Dotnet.Invocation;
using Serverless.Runtime.Dotnet.Metrics;
using Serverless.Hosting.Web.Problems;

namespace Serverless.Runtime.Dotnet.Specialization;

/// <summary>
/// A generic runtime's pipeline: until specialized, 503 on <c>PORT</c> and <c>/healthz</c>, <c>/readyz</c> (503
/// <c>generic</c>), <c>/metrics</c> and <c>POST /specialize</c> on the platform port; from then on the function's
/// <see cref="RequestDispatcher"/>, as in a normal start. <c>/healthz</c> answers 503 <c>warming up</c> until
/// <see cref="MarkWarm"/>: the pool takes a process once it answers 200, and <see cref="LoopbackWarmUp"/>'s own
/// <c>POST /specialize</c> must not meet the platform's.
/// </summary>
internal sealed class GenericDispatcher(Specializer specializer, RuntimeMetrics genericMetrics, int platformPort)
{
    public const string SpecializePath = "/specialize";

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private volatile bool _warm;

    public void MarkWarm() => _warm = true;

    public Task DispatchAsync(HttpContext context)
    {
        var platform = context.Connection.LocalPort == platformPort;
        if (specializer.Dispatcher is { } specialized)
        {
            if (platform && context.Request.Path.Value == SpecializePath && HttpMethods.IsPost(context.Request.Method))
            {
                return WriteTextAsync(context.Response, StatusCodes.Status409Conflict, "already specialized: a process is specialized once");
            }

            if (!platform && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                // Kestrel's limit was set for the generic start; the function's own applies now, with the drain's room.
                limit.MaxRequestBodySize = specializer.Settings!.MaxRequestBodyBytes + InvocationOptions.DrainBytes;
            }

            return specialized.DispatchAsync(context);
        }

        if (!platform)
        {
            return ProblemDetailsWriter.WriteAsync(
                context.Response,
                StatusCodes.Status503ServiceUnavailable,
                "Service Unavailable",
                "This instance is generic: no function is loaded yet.",
                RetryAfter,
                CancellationToken.None);
        }

        return context.Request.Path.Value switch
        {
            ReservedPaths.Health when _warm => WriteTextAsync(context.Response, StatusCodes.Status200OK, "ok"),
            ReservedPaths.Health => WriteTextAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "warming up"),
            ReservedPaths.Ready => WriteTextAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "generic"),
            ReservedPaths.Metrics => WriteMetricsAsync(context),
            SpecializePath when HttpMethods.IsPost(context.Request.Method) => specializer.HandleAsync(context),
            _ => WriteTextAsync(context.Response, StatusCodes.Status404NotFound, "not found: the platform port serves /healthz, /readyz, /metrics and POST /specialize"),
        };
    }

    internal static Task WriteTextAsync(HttpResponse response, int statusCode, string text)
    {
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(text);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes).AsTask();
    }

    private Task WriteMetricsAsync(HttpContext context)
    {
        context.Response.ContentType = RuntimeMetrics.ContentType;
        return genericMetrics.WriteAsync(context.Response.Body, context.RequestAborted);
    }
}
