using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Serverless.Activator.Forwarding;

/// <summary>RFC 7807 problem responses for what the activator itself answers.</summary>
internal static class Problem
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, TimeSpan? retryAfter = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/problem+json";
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return JsonSerializer.SerializeAsync(
            response.Body,
            new ProblemBody(title, status, detail),
            ProblemJsonContext.Default.ProblemBody,
            context.RequestAborted);
    }
}

internal sealed record ProblemBody(
    [property: System.Text.Json.Serialization.JsonPropertyName("title")] string Title,
    [property: System.Text.Json.Serialization.JsonPropertyName("status")] int Status,
    [property: System.Text.Json.Serialization.JsonPropertyName("detail")] string Detail);

[System.Text.Json.Serialization.JsonSerializable(typeof(ProblemBody))]
internal sealed partial class ProblemJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
