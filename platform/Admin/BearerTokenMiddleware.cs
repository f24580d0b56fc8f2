using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Serverless.Platform.Admin;

/// <summary>Requires <c>Authorization: Bearer {token}</c> on the API paths when a token is configured.</summary>
internal sealed class BearerTokenMiddleware
{
    private readonly RequestDelegate _next;
    private readonly byte[] _token;

    public BearerTokenMiddleware(RequestDelegate next, string token)
    {
        _next = next;
        _token = Encoding.UTF8.GetBytes(token);
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/apis"))
        {
            return _next(context);
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), _token))
        {
            return _next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return StatusResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "a valid bearer token is required (SERVERLESS_ADMIN_TOKEN)");
    }
}
