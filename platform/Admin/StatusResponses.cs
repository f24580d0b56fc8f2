using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Core.Api;
using Serverless.Core.Validation;

namespace Serverless.Platform.Admin;

/// <summary>Kubernetes <c>Status</c> bodies for admin API answers, so kubectl-style clients understand them.</summary>
internal static class StatusResponses
{
    public static StatusBody Body(int code, string reason, string message, StatusDetailsBody? details = null) =>
        new(code < 400 ? "Success" : "Failure", message, reason.Length == 0 ? null : reason, code, details);

    public static StatusDetailsBody Details(string kindPlural, string? name, IReadOnlyList<StatusCauseBody>? causes = null) =>
        new(name, ApiGroup.Group, kindPlural, causes);

    public static string Serialize(StatusBody body) => JsonSerializer.Serialize(body, StatusJsonContext.Default.StatusBody);

    public static Task WriteAsync(HttpContext context, int code, string reason, string message, StatusDetailsBody? details = null) =>
        WriteJsonAsync(context, code, Serialize(Body(code, reason, message, details)));

    public static Task InvalidAsync(HttpContext context, string kindPlural, string? name, IReadOnlyList<ValidationError> errors) =>
        WriteAsync(
            context,
            StatusCodes.Status422UnprocessableEntity,
            "Invalid",
            $"{kindPlural} \"{name}\" is invalid: " + string.Join(", ", errors),
            Details(kindPlural, name, errors.Select(e => new StatusCauseBody("FieldValueInvalid", e.Message, e.Field)).ToList()));

    public static Task WriteJsonAsync(HttpContext context, int code, string json)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }
}
