using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Serverless.Hosting.Web.Problems;

namespace Serverless.Runtime.Dotnet.Invocation;

/// <summary>
/// The runtime's use of <see cref="ProblemDetailsWriter"/> for failures it reports itself: the title is the status's
/// reason phrase, as in the node and python runtimes, and the answer goes out even after the request's token fired.
/// </summary>
internal static class ProblemResponse
{
    public const string ContentType = ProblemDetailsWriter.ContentType;

    // Not the request's token: after a timeout it is already cancelled, and the answer must still go out.
    public static Task WriteAsync(HttpResponse response, int statusCode, string detail) =>
        ProblemDetailsWriter.WriteAsync(response, statusCode, ReasonPhrases.GetReasonPhrase(statusCode), detail, retryAfter: null, CancellationToken.None);
}
