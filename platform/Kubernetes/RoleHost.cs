using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using Serverless.Hosting.Loops;
using Serverless.Hosting.Web.Servers;
using Serverless.Platform.Composition;

namespace Serverless.Platform.Kubernetes;

/// <summary>
/// The one builder of the three Kubernetes roles. <see cref="Create"/> binds the role's listeners first (the metrics
/// port always, the traffic port when the role serves one); the role then builds its objects with them, adds its loops,
/// and <see cref="RunAsync"/> runs the traffic server, the probes/metrics server and every loop under
/// <see cref="ProcessHost"/>.
/// </summary>
/// <remarks>
/// The probes and metrics (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>) have their own port (9090), so probes and
/// scrapes never queue behind function requests, and they stay up while the traffic port drains.
/// </remarks>
internal sealed partial class RoleHost : IAsyncDisposable
{
    private readonly BoundListener _metrics;
    private readonly BoundListener? _http;
    private readonly ILogger _logger;

    private RoleHost(KubernetesOptions options, BoundListener metrics, BoundListener? http, ILoggerFactory loggerFactory)
    {
        Options = options;
        _metrics = metrics;
        _http = http;
        LoggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Serverless.Platform.Kubernetes");
        Loops = new LoopHost(loggerFactory.CreateLogger<LoopHost>());
    }

    public KubernetesOptions Options { get; }

    public ILoggerFactory LoggerFactory { get; }

    public TimeProvider Time { get; } = TimeProvider.System;

    /// <summary>This role's metrics: one registry per process, served on the metrics port.</summary>
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    /// <summary>Every loop of the role; add before <see cref="RunAsync"/>.</summary>
    public LoopHost Loops { get; }

    /// <summary>Binds the metrics listener (key <c>metrics</c>) and, for a role with traffic, the traffic listener (key <c>http</c>).</summary>
    /// <exception cref="ListenException">An address cannot be bound.</exception>
    public static RoleHost Create(KubernetesOptions options, bool servesTraffic, ILoggerFactory loggerFactory)
    {
        var metrics = BoundListener.Bind(options.Metrics, "--metrics");
        try
        {
            var http = servesTraffic ? BoundListener.Bind(options.Http, "--http") : null;
            return new RoleHost(options, metrics, http, loggerFactory);
        }
        catch
        {
            metrics.Dispose();
            throw;
        }
    }

    /// <summary>A lean server on the traffic listener.</summary>
    public WebApplicationBuilder CreateTrafficBuilder(long? maxRequestBodySize) =>
        LeanServer.CreateBuilder(_http ?? throw new InvalidOperationException("this role serves no traffic"), maxRequestBodySize, LoggerFactory);

    /// <summary>Runs until SIGTERM or a loop that ends; returns the exit code.</summary>
    /// <param name="ready">Whether the role can do its work now (it reaches the API server and its caches follow it), for <c>/readyz</c>.</param>
    public async Task<int> RunAsync(WebApplication? traffic, Func<bool> ready)
    {
        await using var metrics = BuildMetrics(ready);
        var urls = _http is null ? _metrics.Url : _http.Url + ", " + _metrics.Url;
        return await ProcessHost.RunAsync(
            front: traffic is null ? [] : [traffic],
            Loops,
            back: [metrics],
            _logger,
            ready: () => LogListening(_logger, urls)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await Loops.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
        _http?.Dispose();
    }

    private WebApplication BuildMetrics(Func<bool> ready)
    {
        var builder = LeanServer.CreateBuilder(_metrics, maxRequestBodySize: 0, LoggerFactory);
        builder.Services.AddRouting();
        var app = builder.Build();
        app.UseRouting();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => ready() ? Results.Text("ok") : Results.Text("not ready: syncing, or the API server cannot be reached", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapMetrics("/metrics", Registry);
        return app;
    }

    [LoggerMessage(EventId = PlatformEventIds.Listening, Level = LogLevel.Information, Message = "Listening on {Urls}")]
    private static partial void LogListening(ILogger logger, string urls);
}
