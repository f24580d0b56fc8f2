using System.Net;

namespace Serverless.KubeApiServer.Http;

/// <summary>A request failure the double answers with a Kubernetes <c>Status</c> object.</summary>
internal sealed class ApiException(HttpStatusCode code, string reason, string message) : Exception(message)
{
    public HttpStatusCode Code { get; } = code;

    public string Reason { get; } = reason;

    public static ApiException NotFound(string resource, string name) =>
        new(HttpStatusCode.NotFound, "NotFound", $"{resource} \"{name}\" not found");

    public static ApiException AlreadyExists(string resource, string name) =>
        new(HttpStatusCode.Conflict, "AlreadyExists", $"{resource} \"{name}\" already exists");

    public static ApiException Conflict(string resource, string name) =>
        new(HttpStatusCode.Conflict, "Conflict",
            $"Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");

    public static ApiException Gone(string message) => new(HttpStatusCode.Gone, "Expired", message);

    public static ApiException BadRequest(string message) => new(HttpStatusCode.BadRequest, "BadRequest", message);

    public static ApiException Invalid(string message) => new(HttpStatusCode.UnprocessableEntity, "Invalid", message);
}
