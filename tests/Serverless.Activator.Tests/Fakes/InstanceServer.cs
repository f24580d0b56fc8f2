using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Tests.Fakes;

/// <summary>
/// A function instance: a real Kestrel server on 127.0.0.1 and an ephemeral port. It counts requests and
/// the most it ever had in flight at once, and names itself in an <c>X-Instance</c> response header.
/// </summary>
internal sealed class InstanceServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _inFlight;
    private int _maxInFlight;
    private int _requests;
    private bool _stopped;

    private InstanceServer(WebApplication app, string id)
    {
        _app = app;
        Id = id;
    }

    public string Id { get; }

    public int Port { get; private set; }

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<InstanceServer> StartAsync(string id, Func<HttpContext, Task>? handler = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new InstanceServer(app, id);
        handler ??= context => context.Response.WriteAsync("hello from " + id);
        app.Run(async context =>
        {
            Interlocked.Increment(ref server._requests);
            var now = Interlocked.Increment(ref server._inFlight);
            InterlockedMax(ref server._maxInFlight, now);
            try
            {
                context.Response.Headers["X-Instance"] = id;
                await handler(context);
            }
            finally
            {
                Interlocked.Decrement(ref server._inFlight);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.Port = new Uri(address).Port;
        return server;
    }

    public InstanceEndpoint Endpoint(int containerConcurrency = 0) => new(Id, "127.0.0.1", Port, containerConcurrency);

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }
}
