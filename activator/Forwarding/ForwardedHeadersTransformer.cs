using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.Activator.Forwarding;

/// <summary>
/// YARP's default request copy plus the <c>X-Forwarded-*</c> headers an instance needs to build
/// its own public URLs, including the path prefix the activator removed.
/// </summary>
internal sealed class ForwardedHeadersTransformer : HttpTransformer
{
    public static readonly ForwardedHeadersTransformer Instance = new();

    public const string PrefixItemKey = "serverless.prefix";

    public override async ValueTask TransformRequestAsync(
        HttpContext httpContext,
        HttpRequestMessage proxyRequest,
        string destinationPrefix,
        CancellationToken cancellationToken)
    {
        await Default.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        var headers = proxyRequest.Headers;
        var remote = httpContext.Connection.RemoteIpAddress;
        if (remote is not null)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", remote.ToString());
        }

        headers.TryAddWithoutValidation("X-Forwarded-Proto", httpContext.Request.Scheme);
        headers.TryAddWithoutValidation("X-Forwarded-Host", httpContext.Request.Host.Value);
        if (httpContext.Items.TryGetValue(PrefixItemKey, out var prefix) && prefix is string { Length: > 0 } value)
        {
            headers.TryAddWithoutValidation("X-Forwarded-Prefix", value);
        }
    }
}
