using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Serverless.Runtime.Dotnet.Specialization;

/// <summary>
/// The function a generic runtime loads and invokes once before it listens (<see cref="GenericWarmUp"/>), so that the
/// code a specialization and a first invocation run is compiled already. Public: handler binding finds public methods only.
/// </summary>
public static class WarmUpFunction
{
    /// <summary>Takes the kinds of parameters handlers commonly take: the request, a query value, a service, the token.</summary>
    public static string Handle(HttpRequest request, string? key, IConfiguration configuration, CancellationToken cancellationToken) =>
        key is null ? request.Path.Value ?? "/" : configuration[key] ?? "(unset)";
}
