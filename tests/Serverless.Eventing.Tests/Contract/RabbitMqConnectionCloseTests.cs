using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Eventing.RabbitMq;

namespace Serverless.Eventing.Tests.Contract;

/// <summary>Closing the connection when RabbitMQ does not answer: a shutdown must end, and must not throw.</summary>
public sealed class RabbitMqConnectionCloseTests(RabbitMqFixture rabbitMq) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task DisposeAsync_ServerStopsAnsweringBeforeTheClose_EndsWithinTheCloseTimeoutWithoutThrowing()
    {
        await using var proxy = new StallingTcpProxy(new IPEndPoint(IPAddress.Loopback, rabbitMq.Server.Port));
        var url = new UriBuilder(rabbitMq.Server.Url) { Port = proxy.Port }.Uri;
        var connection = new RabbitMqConnection(url, NullLogger.Instance);
        await connection.ConnectAsync(CancellationToken.None);
        Assert.True(connection.IsOpen);

        proxy.Stall();
        var closing = Stopwatch.StartNew();
        var disposed = await Record.ExceptionAsync(async () => await connection.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        // The close waits its 2 s for RabbitMQ's close-ok, which never comes; the client's own floor (30 s, then 20 s
        // in its dispose) must not hold a shutdown.
        Assert.Null(disposed);
        Assert.InRange(closing.Elapsed, RabbitMqConnection.CloseTimeout * 0.9, RabbitMqConnection.CloseTimeout + TimeSpan.FromSeconds(3));
    }
}
