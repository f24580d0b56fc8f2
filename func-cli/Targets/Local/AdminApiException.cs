using System.Net;
using Serverless.Cli.App;
using Serverless.Core.Contracts;

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

    /// <summary>The store error kind the reason names (the admin API is a resource store's front), or null for any other failure.</summary>
    public StoreErrorKind? Kind => Reason switch
    {
        StatusReasons.NotFound => StoreErrorKind.NotFound,
        StatusReasons.AlreadyExists => StoreErrorKind.AlreadyExists,
        StatusReasons.Conflict => StoreErrorKind.Conflict,
        StatusReasons.Invalid => StoreErrorKind.Invalid,
        _ => null,
    };

    /// <summary><see cref="Kind"/> of an admin API failure, null for any other exception: how ResourceApply reads this client's errors.</summary>
    public static StoreErrorKind? KindOf(Exception e) => (e as AdminApiException)?.Kind;
}
