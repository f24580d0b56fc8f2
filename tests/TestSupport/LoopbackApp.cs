using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.TestSupport;

/// <summary>A lean Kestrel server on 127.0.0.1 for tests: no logging, an ephemeral port unless told one, started.</summary>
public static class LoopbackApp
{
    /// <param name="pipeline">Maps the app's handlers (the app is built; its services are available).</param>
    /// <param name="services">Registers services before the app is built.</param>
    /// <param name="port">0 for an ephemeral port; a given one to restart a server where clients expect it.</param>
    /// <param name="protocols">Http2 alone accepts cleartext HTTP/2 (h2c with prior knowledge).</param>
    public static async Task<WebApplication> StartAsync(
        Action<WebApplication> pipeline,
        Action<IServiceCollection>? services = null,
        int port = 0,
        HttpProtocols protocols = HttpProtocols.Http1AndHttp2,
        Action<KestrelServerOptions>? kestrel = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options =>
        {
            kestrel?.Invoke(options);
            options.Listen(IPAddress.Loopback, port, listen => listen.Protocols = protocols);
        });
        services?.Invoke(builder.Services);
        var app = builder.Build();
        pipeline(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>The started server's address, <c>http://127.0.0.1:port/</c>.</summary>
    public static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
}
