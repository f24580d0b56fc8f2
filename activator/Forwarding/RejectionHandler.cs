using System.Net;

namespace Serverless.Activator.Forwarding;

/// <summary>
/// Turns an instance's 429 into <see cref="InstanceRejectedException"/> before YARP copies it to the
/// client. A function that itself answers 429 is retried too (bounded by the attempt limit) and its
/// client then gets the activator's own 429.
/// </summary>
internal sealed class RejectionHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return response;
        }

        response.Dispose();
        throw new InstanceRejectedException();
    }
}
