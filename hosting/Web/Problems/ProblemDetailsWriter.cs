using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Serverless.Hosting.Web.Problems;

/// <summary>
/// RFC 7807 answers for what a server role itself reports (the activator, the broker ingress, the C# runtime):
/// status, <c>application/problem+json</c>, <c>Retry-After</c> when given, and <c>{"title","status","detail"}</c>.
/// </summary>
/// <remarks>
/// Was <c>Problem</c> in the activator and <c>ProblemResponse</c> in eventing and the runtime. The body is
/// serialized before anything is written, so the answer carries its Content-Length and leaves in one write.
/// </remarks>
public static class ProblemDetailsWriter
{
    public const string ContentType = "application/problem+json";

    /// <summary>Answers the request; the write stops if the client goes away.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return WriteAsync(context.Response, status, title, detail, retryAfter, context.RequestAborted);
    }

    /// <param name="retryAfter">Sent in whole seconds, rounded up, at least 1.</param>
    /// <param name="cancellationToken">
    /// Cancels the write of the body; <see cref="CancellationToken.None"/> when the answer must go out even after the
    /// request's own token fired (a timeout).
    /// </param>
    /// <param name="instance">RFC 7807's <c>instance</c>: an id of this occurrence, as the logs name it; none when null.</param>
    public static Task WriteAsync(HttpResponse response, int status, string title, string detail, TimeSpan? retryAfter, CancellationToken cancellationToken, string? instance = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = JsonSerializer.SerializeToUtf8Bytes(new ProblemBody(title, status, detail, instance), ProblemJsonContext.Default.ProblemBody);
        response.StatusCode = status;
        response.ContentType = ContentType;
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, cancellationToken).AsTask();
    }
}
