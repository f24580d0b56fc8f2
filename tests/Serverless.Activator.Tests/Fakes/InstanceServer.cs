using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

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

    /// <param name="protocols">Http2 alone accepts cleartext HTTP/2 (h2c with prior knowledge), as a gRPC server does.</param>
    public static async Task<InstanceServer> StartAsync(string id, Func<HttpContext, Task>? handler = null, HttpProtocols protocols = HttpProtocols.Http1AndHttp2)
    {
        InstanceServer? server = null;
        handler ??= context => context.Response.WriteAsync("hello from " + id);
        var app = await LoopbackApp.StartAsync(
            app =>
            {
                var instance = server = new InstanceServer(app, id);
                app.UseWebSockets();
                app.Run(async context =>
                {
                    Interlocked.Increment(ref instance._requests);
                    var now = Interlocked.Increment(ref instance._inFlight);
                    InterlockedMax(ref instance._maxInFlight, now);
                    try
                    {
                        context.Response.Headers["X-Instance"] = id;
                        await handler(context);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref instance._inFlight);
                    }
                });
            },
            protocols: protocols);
        server!.Port = LoopbackApp.AddressOf(app).Port;
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
