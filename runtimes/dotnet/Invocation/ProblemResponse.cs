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
    public static Task WriteAsync(HttpResponse response, int statusCode, string detail, string? instance = null) =>
        ProblemDetailsWriter.WriteAsync(response, statusCode, ReasonPhrases.GetReasonPhrase(statusCode), detail, retryAfter: null, CancellationToken.None, instance);

    /// <summary>What a caller is told when the handler throws, unless the function opts in to its error text (FUNCTION_DEBUG).</summary>
    public const string HandlerFailedDetail = "The function failed. Its log has the error under this problem's instance.";

    /// <summary>An id for one failure, in the answer's <c>instance</c> and in the log line.</summary>
    public static string NewInstance() => "urn:uuid:" + Guid.NewGuid().ToString("D");
}
