using System.Net;
using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Resources;

namespace Serverless.Hosting.KubeApi.Errors;

/// <summary>A request failure the double answers with a Kubernetes <c>Status</c> object (reason and details as the real server gives them).</summary>
/// <param name="reason">The Status reason; empty for none (the real server gives none for some 500s).</param>
internal sealed class ApiException(HttpStatusCode code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public HttpStatusCode Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    public static ApiException NotFound(ResourceType type, string name) =>
        new(HttpStatusCode.NotFound, "NotFound", $"{Describe(type)} \"{name}\" not found", StatusDetails(name, type.Group, type.Plural));

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(HttpStatusCode.Conflict, "AlreadyExists", $"{Describe(type)} \"{name}\" already exists", StatusDetails(name, type.Group, type.Plural));

    public static ApiException Conflict(ResourceType type, string name) =>
        new(HttpStatusCode.Conflict, "Conflict",
            $"Operation cannot be fulfilled on {Describe(type)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            StatusDetails(name, type.Group, type.Plural));

    /// <summary>422 Invalid with one cause per error: <c>Function.serverless.dev "x" is invalid: [a, b]</c>.</summary>
    /// <param name="kind">The object's kind as sent (a Broker posted to functions is reported as a Broker).</param>
    public static ApiException Invalid(string kind, string group, string? name, IReadOnlyList<FieldError> errors)
    {
        var qualified = group.Length == 0 ? kind : $"{kind}.{group}";
        var listed = errors.Count == 1 ? errors[0].ToString() : $"[{string.Join(", ", errors)}]";
        var details = StatusDetails(name, group, kind);
        details["causes"] = new JsonArray(errors.Select(e => (JsonNode?)e.Cause()).ToArray());
        return new ApiException(HttpStatusCode.UnprocessableEntity, "Invalid", $"{qualified} \"{name}\" is invalid: {listed}", details);
    }

    /// <summary>A JSON patch that cannot be applied: 422 Invalid with empty details, as the real server answers (its message is generic).</summary>
    public static ApiException PatchRejected(string detail) =>
        new(HttpStatusCode.UnprocessableEntity, "Invalid", $"the server rejected our request due to an error in our request: {detail}", new JsonObject());

    /// <summary>422 for a bad request option: <c>CreateOptions.meta.k8s.io "" is invalid: fieldValidation: …</c>.</summary>
    public static ApiException InvalidOptions(string optionsKind, FieldError error) => Invalid(optionsKind, "meta.k8s.io", null, [error]);

    public static ApiException Gone(string message) => new(HttpStatusCode.Gone, "Expired", message);

    public static ApiException BadRequest(string message) => new(HttpStatusCode.BadRequest, "BadRequest", message);

    public static ApiException Invalid(string message) => new(HttpStatusCode.UnprocessableEntity, "Invalid", message);

    /// <summary><c>resource.group</c> as messages name a kind (<c>functions.serverless.dev</c>, <c>configmaps</c>).</summary>
    public static string Describe(ResourceType type) => type.Group.Length == 0 ? type.Plural : $"{type.Plural}.{type.Group}";

    /// <summary>StatusDetails: an empty name, group or kind is left out, as Go's omitempty does.</summary>
    public static JsonObject StatusDetails(string? name, string group, string kind)
    {
        var details = new JsonObject();
        if (!string.IsNullOrEmpty(name))
        {
            details["name"] = name;
        }

        if (group.Length > 0)
        {
            details["group"] = group;
        }

        if (kind.Length > 0)
        {
            details["kind"] = kind;
        }

        return details;
    }
}
