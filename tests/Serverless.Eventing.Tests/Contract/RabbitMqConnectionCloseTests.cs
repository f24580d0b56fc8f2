using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Api;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.RabbitMq;
using Serverless.Eventing.Tests.Fakes;

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

    [Fact]
    public async Task BrokerStop_ServerStopsAnsweringWhileATriggerConsumes_EndsWithinTheCloseBounds()
    {
        await using var proxy = new StallingTcpProxy(new IPEndPoint(IPAddress.Loopback, rabbitMq.Server.Port));
        var url = new UriBuilder(rabbitMq.Server.Url) { Port = proxy.Port }.Uri;
        var h = new RabbitMqBackendHarness(rabbitMq.Server, new BrokerOptions { PollInterval = TimeSpan.FromMilliseconds(100) }, url);
        h.Routes.Add($"close-{Guid.NewGuid():N}"[..20], new TriggerSpec(), new Uri("http://subscriber.test/"), FakeRoutes.Delivery());
        h.Start();
        await h.PublishAsync(TestEvents.Event("e1"));
        var delivered = Stopwatch.StartNew();
        while (h.Sender.Sent.Count == 0)
        {
            Assert.True(delivered.Elapsed < TimeSpan.FromSeconds(30), "the Trigger's consumer delivered nothing within 30 s");
            await Task.Delay(20);
        }

        proxy.Stall();
        var stopping = Stopwatch.StartNew();
        var stopped = await Record.ExceptionAsync(async () => await h.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60)));

        // The consumer's channel close and the connection's close each wait their 2 s for an answer that never comes.
        Assert.Null(stopped);
        Assert.InRange(stopping.Elapsed, TimeSpan.Zero, RabbitMqConnection.CloseTimeout * 2 + TimeSpan.FromSeconds(3));
    }
}
