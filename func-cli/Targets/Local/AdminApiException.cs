using System.Net;
using Serverless.Cli.App;

namespace Serverless.Cli.Targets.Local;

/// <summary>
/// The admin API answered with an error. <see cref="Reason"/> is the Kubernetes Status reason
/// (NotFound, AlreadyExists, Conflict, Invalid…) that callers branch on; the message is the server's.
/// </summary>
internal sealed class AdminApiException : CliException
{
    public AdminApiException(HttpStatusCode statusCode, string? reason, string message, IReadOnlyList<string> fieldErrors, string? hint = null)
        : base(message, hint, fieldErrors)
    {
        StatusCode = statusCode;
        Reason = reason;
        FieldErrors = fieldErrors;
    }

    public HttpStatusCode StatusCode { get; }

    public string? Reason { get; }

    /// <summary>"field: message" for each cause of a 422.</summary>
    public IReadOnlyList<string> FieldErrors { get; }
}
