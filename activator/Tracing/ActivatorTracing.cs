using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Serverless.Activator.Tracing;

/// <summary>
/// The activator's spans, on the <see cref="ActivitySource"/> <see cref="SourceName"/>: one server span per request
/// (<c>activator.request</c>, continuing the client's W3C <c>traceparent</c>/<c>tracestate</c> or starting a trace), a
/// <c>activator.queue</c> child while a request waits for an instance of a function at zero (the cold start), and one
/// <c>activator.forward</c> client span per attempt, whose context the instance receives as its <c>traceparent</c>, so a
/// retry shows as a second attempt. Each is tagged <c>serverless.function</c> (the Function, <c>namespace/name</c>) and
/// <c>serverless.revision</c> (the revision the request was routed to), as the metrics are labelled. Without a listener
/// (no exporter configured) nothing is created: the request path pays one check per span.
/// </summary>
public static class ActivatorTracing
{
    public const string SourceName = "Serverless.Activator";

    /// <summary>Immutable once made; shared like the runtime's own sources (HttpClient, ASP.NET Core).</summary>
    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>The request's span, parented on the client's trace context when it sent a valid one; null when nobody listens.</summary>
    internal static Activity? StartRequest(HttpContext context, string function, string revision)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var headers = context.Request.Headers;
        ActivityContext.TryParse(headers[HeaderNames.TraceParent].ToString(), headers[HeaderNames.TraceState].ToString(), isRemote: true, out var parent);
        var activity = Source.StartActivity("activator.request", ActivityKind.Server, parent);
        activity?.SetTag("serverless.function", function);
        activity?.SetTag("serverless.revision", revision);
        activity?.SetTag("http.request.method", context.Request.Method);
        return activity;
    }

    /// <summary>The wait for an instance of a function with none ready; null when nobody listens.</summary>
    internal static Activity? StartQueue(string function, string revision)
    {
        var activity = Source.StartActivity("activator.queue", ActivityKind.Internal);
        activity?.SetTag("serverless.function", function);
        activity?.SetTag("serverless.revision", revision);
        return activity;
    }

    /// <summary>One attempt to send the request to an instance; null when nobody listens.</summary>
    internal static Activity? StartForward(string function, string revision, string instance, int attempt)
    {
        var activity = Source.StartActivity("activator.forward", ActivityKind.Client);
        activity?.SetTag("serverless.function", function);
        activity?.SetTag("serverless.revision", revision);
        activity?.SetTag("serverless.instance", instance);
        activity?.SetTag("serverless.attempt", attempt);
        return activity;
    }
}
