using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Autoscaler.Ingest;
using Serverless.Autoscaler.Scaling;
using Serverless.TestSupport;

namespace Serverless.Autoscaler.Tests.Fakes;

/// <summary>The autoscaler's statistics endpoints on a real Kestrel server on 127.0.0.1 (port 0, or a given one to "restart" on).</summary>
internal sealed class StatsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StatsServer(WebApplication app)
    {
        _app = app;
        Address = LoopbackApp.AddressOf(app);
    }

    public Uri Address { get; }

    public static async Task<StatsServer> StartAsync(ActivatorReports reports, FunctionScaler scaler, string autoscalerId, int port = 0)
    {
        var app = await LoopbackApp.StartAsync(
            app =>
            {
                app.UseRouting();
                StatsEndpoints.Map(app, reports, scaler, autoscalerId);
            },
            services => services.AddRouting(),
            port);
        return new StatsServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
