using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Serverless.Activator.Tracing;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.Activator.Forwarding;

/// <summary>
/// The request an instance gets, per Knative's runtime contract: YARP's default transforms (every header copied,
/// <c>X-Forwarded-For/Proto/Host/Prefix</c> set, never trusted from the client), then the client's <c>Host</c> kept
/// as it came (the default puts the instance's address there), and a <c>Forwarded</c> header (RFC 7239) of our own in
/// place of any the client sent. Responses pass as YARP's default passes them.
/// </summary>
internal sealed class FunctionRequestTransformer : HttpTransformer
{
    public static readonly FunctionRequestTransformer Instance = new();

    private FunctionRequestTransformer()
    {
    }

    public override async ValueTask TransformRequestAsync(
        HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await Default.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);

        var request = httpContext.Request;
        var host = request.Host.HasValue ? request.Host.Value : null;

        // HTTP/2 clients send :authority, which Kestrel exposes as Host too.
        proxyRequest.Headers.Host = host;

        proxyRequest.Headers.Remove(ForwardedHeader.Name);
        proxyRequest.Headers.TryAddWithoutValidation(ForwardedHeader.Name, ConnectionForwardedValue.For(httpContext, host));

        // Tracing on: the instance's parent is this attempt's span (same trace as the client's). Off: the client's
        // traceparent and tracestate pass through as they came.
        if (Activity.Current is { Source.Name: ActivatorTracing.SourceName, IdFormat: ActivityIdFormat.W3C } forward)
        {
            proxyRequest.Headers.Remove(HeaderNames.TraceParent);
            proxyRequest.Headers.Remove(HeaderNames.TraceState);
            proxyRequest.Headers.TryAddWithoutValidation(HeaderNames.TraceParent, forward.Id);
            if (forward.TraceStateString is { Length: > 0 } state)
            {
                proxyRequest.Headers.TryAddWithoutValidation(HeaderNames.TraceState, state);
            }
        }
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken) =>
        Default.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);

    public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) =>
        Default.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);
}
