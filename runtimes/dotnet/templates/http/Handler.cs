using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Function;

/// <summary>
/// An HTTP function, bound with ASP.NET Core minimal-API rules: parameters come from the query, headers,
/// JSON body, HttpRequest, CancellationToken (cancelled at timeoutSeconds) or services. Return a string
/// (text/plain), an object (JSON) or an IResult (Results.StatusCode(201), ...). An exception answers 500.
/// </summary>
public static class Handler
{
    public static async Task<object> Handle(HttpRequest request, string? name, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethods.Post)
        {
            return $"Hello, {name ?? "world"}!";
        }

        try
        {
            var received = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
            return new { received };
        }
        catch (JsonException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: $"The body is not JSON: {ex.Message}");
        }
    }
}
