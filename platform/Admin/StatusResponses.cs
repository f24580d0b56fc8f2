using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Core.Api;
using Serverless.Core.Validation;
using Serverless.Hosting.KubeApi.Errors;

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

    /// <summary>A failure of the shared Kubernetes semantics (a bad selector, a patch that cannot apply) as its Status.</summary>
    public static Task FailAsync(HttpContext context, ApiException failure)
    {
        var code = (int)failure.Code;
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = failure.Message,
        };
        if (failure.Reason.Length > 0)
        {
            status["reason"] = failure.Reason;
        }

        if (failure.Details is { Count: > 0 } details)
        {
            status["details"] = details.DeepClone();
        }

        status["code"] = code;
        return WriteJsonAsync(context, code, status.ToJsonString());
    }

    public static Task WriteJsonAsync(HttpContext context, int code, string json)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }
}
