using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

/// <summary>
/// The floor under the broker's ingress on this machine: the least a server can do for one event a request, in a
/// process of its own (so its CPU is measured apart from the client's, as the platform's is). Kestrel as the platform
/// configures it (slim builder, no Server header), the body read, and then either a 202 at once ("http") or a raw
/// RabbitMQ.Client publish of the body with its confirm and then the 202 ("publish": what the broker must do, without
/// parsing, matching, the envelope, timeouts or metrics). If this floor cannot reach 0.8 × the raw publisher, no
/// broker code can.
/// </summary>
internal static class FloorServer
{
    public const string Flag = "--floor-server";

    /// <summary>Runs the server until stdin closes; prints its URL on stdout once it listens.</summary>
    /// <param name="args"><c>--floor-server http</c> or <c>--floor-server publish AMQP_URL</c>.</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var publish = args.Length >= 3 && args[1] == "publish";
        IConnection? connection = null;
        var channels = new IChannel[4];
        const string Queue = "bench.floor";
        if (publish)
        {
            connection = await new ConnectionFactory { Uri = new Uri(args[2]) }.CreateConnectionAsync();
            for (var i = 0; i < channels.Length; i++)
            {
                channels[i] = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
            }

            await channels[0].QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var next = 0;
        var properties = new BasicProperties { Persistent = true };

        // The raw publisher's message size: the broker's stored envelope of a bench event is about as large.
        var message = new byte[128];
        app.Run(async context =>
        {
            var length = (int)(context.Request.ContentLength ?? 0);
            var body = new byte[length];
            await context.Request.Body.ReadExactlyAsync(body, context.RequestAborted);
            if (publish)
            {
                var channel = channels[(int)((uint)Interlocked.Increment(ref next) % (uint)channels.Length)];
                await channel.BasicPublishAsync("", Queue, mandatory: true, properties, message, context.RequestAborted);
            }

            context.Response.StatusCode = StatusCodes.Status202Accepted;
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Console.WriteLine(url);
        Console.Out.Flush();

        // The harness ends the server by closing its stdin (or killing it).
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        if (connection is not null)
        {
            await channels[0].QueueDeleteAsync(Queue);
            await connection.CloseAsync();
        }

        return 0;
    }
}
