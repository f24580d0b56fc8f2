using System.Net;

namespace Serverless.Activator.Forwarding;

/// <summary>
/// Turns a runtime's concurrency rejection (429 marked <c>X-Serverless-Rejected: concurrency</c>, the runtime
/// contract) into <see cref="InstanceRejectedException"/> before YARP copies it to the client, so the proxy can try
/// another instance. A 429 the function itself answered has no mark: it ran, so it is passed through untouched,
/// with its own Retry-After and body, and never run again.
/// </summary>
internal sealed class RejectionHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public const string RejectedHeader = "X-Serverless-Rejected";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.TooManyRequests || !response.Headers.Contains(RejectedHeader))
        {
            return response;
        }

        response.Dispose();
        throw new InstanceRejectedException();
    }
}
