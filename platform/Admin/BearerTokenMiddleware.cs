using Microsoft.AspNetCore.Http;

namespace Serverless.Platform.Admin;

/// <summary>
/// Requires <c>Authorization: Bearer {token}</c> on every admin API request <see cref="AdminAccess"/> does not
/// leave open, and answers 401 with a Kubernetes <c>Status</c> body otherwise.
/// </summary>
internal sealed class BearerTokenMiddleware
{
    private const string Scheme = "Bearer ";

    private readonly RequestDelegate _next;
    private readonly AdminCredential _credential;

    public BearerTokenMiddleware(RequestDelegate next, AdminCredential credential)
    {
        _next = next;
        _credential = credential;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!AdminAccess.RequiresToken(context.Request.Path, context.Connection.RemoteIpAddress))
        {
            return _next(context);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && _credential.Matches(header[Scheme.Length..].Trim()))
        {
            return _next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return StatusResponses.WriteAsync(
            context,
            StatusCodes.Status401Unauthorized,
            "Unauthorized",
            $"the admin API requires a bearer token: the platform's {AdminCredential.FileName} file in its state directory, or ${AdminCredential.Variable} when set");
    }
}
