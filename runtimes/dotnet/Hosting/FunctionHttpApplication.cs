using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Serverless.Runtime.Dotnet.Hosting;

/// <summary>
/// What Kestrel calls per request in <see cref="FunctionServer"/>: the context (with <c>RequestServices</c>, a scope
/// per request, from <see cref="DefaultHttpContextFactory"/> as the generic host makes it) and the one delegate.
/// </summary>
internal sealed class FunctionHttpApplication(DefaultHttpContextFactory contexts, RequestDelegate application) : IHttpApplication<HttpContext>
{
    public HttpContext CreateContext(IFeatureCollection contextFeatures) => contexts.Create(contextFeatures);

    public Task ProcessRequestAsync(HttpContext context) => application(context);

    public void DisposeContext(HttpContext context, Exception? exception) => contexts.Dispose(context);
}
