using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Serverless.KubeApiServer.Http;

/// <summary>Writes answers as the real server does: JSON, YAML, plain text, Status objects and its plain-text 404 page.</summary>
internal static class Responses
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static async Task Write(HttpContext context, Answer answer, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = (int)answer.Code;
        foreach (var warning in answer.Warnings)
        {
            response.Headers.Append("Warning", RequestOptions.WarningHeader(warning));
        }

        if (answer.Text is not null)
        {
            response.ContentType = "text/plain";
            await response.WriteAsync(answer.Text, cancellationToken);
        }
        else if (answer.Yaml)
        {
            response.ContentType = "application/yaml";
            await response.WriteAsync(YamlWriter.Write(answer.Body), cancellationToken);
        }
        else
        {
            response.ContentType = "application/json";
            await response.WriteAsync(Serialize(answer.Body), cancellationToken);
        }
    }

    public static async Task Json(HttpContext context, JsonNode body, string contentType, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(Serialize(body), cancellationToken);
    }

    /// <summary>A Status body; a 504 or 429 also says when to retry.</summary>
    public static Task Status(HttpContext context, ApiException e, CancellationToken cancellationToken)
    {
        if (e.Details?["retryAfterSeconds"] is JsonValue retry)
        {
            context.Response.Headers.RetryAfter = retry.ToJsonString();
        }
        else if (e.Code == HttpStatusCode.TooManyRequests)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return Write(context, new Answer(e.Code, StatusObjects.Failure(e)), cancellationToken);
    }

    public static async Task Text(HttpContext context, int code, string text, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        await context.Response.WriteAsync(text, cancellationToken);
    }

    /// <summary>What the real server answers for a path it does not serve: plain text, not a Status object.</summary>
    public static Task NotFoundPage(HttpContext context, CancellationToken cancellationToken) =>
        Text(context, 404, "404 page not found\n", cancellationToken);

    public static string Serialize(JsonNode? body) => body?.ToJsonString(Compact) ?? "{}";

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
