using System.Net;
using k8s;
using k8s.Autorest;
using Serverless.Core.Contracts;

namespace Serverless.Hosting.Kubernetes;

/// <summary>Turns the API server's status codes into the store error kinds the reconcilers already handle.</summary>
public static class KubeErrors
{
    public static bool Is(Exception e, HttpStatusCode code) => StatusCode(e) == code;

    public static HttpStatusCode? StatusCode(Exception e) => e switch
    {
        HttpOperationException { Response: { } response } => response.StatusCode,
        KubernetesException { Status.Code: { } code } => (HttpStatusCode)code,
        _ => null,
    };

    /// <summary>Runs an API call and rethrows a 404/409/410/422 as a <see cref="StoreException"/> naming what was being done.</summary>
    public static async Task<T> Map<T>(Func<Task<T>> call, string what, bool creating = false)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (KindOf(e, creating) is { } kind)
        {
            throw new StoreException(kind, $"{what}: {Describe(e)}", e);
        }
    }

    public static StoreErrorKind? KindOf(Exception e, bool creating = false) => StatusCode(e) switch
    {
        HttpStatusCode.NotFound => StoreErrorKind.NotFound,
        HttpStatusCode.Conflict => creating ? StoreErrorKind.AlreadyExists : StoreErrorKind.Conflict,
        HttpStatusCode.Gone => StoreErrorKind.Expired,
        HttpStatusCode.UnprocessableEntity => StoreErrorKind.Invalid,
        _ => null,
    };

    private static string Describe(Exception e) => e switch
    {
        HttpOperationException { Response: { } response } => $"{(int)response.StatusCode} {Truncate(response.Content)}",
        KubernetesException { Status: { } status } => $"{status.Code} {status.Reason}: {status.Message}",
        _ => e.Message,
    };

    private static string Truncate(string? text) => text is { Length: > 300 } ? text[..300] + "…" : text ?? "";
}
