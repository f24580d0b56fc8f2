using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Serverless.Platform.Kubernetes;

/// <summary>
/// The servers every Kubernetes-mode component runs: <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> on the
/// metrics port (9090), kept apart from the traffic port so probes and scrapes never queue behind function requests.
/// </summary>
internal static class ComponentServer
{
    /// <param name="ready">Whether the component can do its work now (its caches have synced).</param>
    public static WebApplication BuildMetrics(KubernetesOptions options, CollectorRegistry registry, Func<bool> ready, ILoggerFactory loggerFactory)
    {
        var builder = PlatformHost.CreateBuilder(options.Metrics, maxRequestBodySize: 0, loggerFactory);
        builder.Services.AddRouting();
        var app = builder.Build();
        app.UseRouting();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => ready() ? Results.Text("ok") : Results.Text("syncing", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapMetrics("/metrics", registry);
        return app;
    }

    /// <summary>The first bound address of a started server, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public static string BoundUrl(WebApplication app) => PlatformHost.BoundUrl(app);
}
