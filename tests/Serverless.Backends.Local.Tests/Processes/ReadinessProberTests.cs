using System.Net;
using System.Net.Sockets;
using System.Text;
using Serverless.Backends.Local.Processes;

namespace Serverless.Backends.Local.Tests.Processes;

public sealed class ReadinessProberTests
{
    // Issue #14 item 3: a function that closed its listening socket stayed Ready for over 60 s, because the probe
    // reused its keep-alive connection while every new connection was refused.
    [Fact]
    public async Task ProbeAsync_ListenerClosedButConnectionOpen_NotReady()
    {
        using var prober = new ReadinessProber(TimeSpan.FromSeconds(2), TimeProvider.System);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var connections = new List<TcpClient>();
        var serving = ServeAsync(listener, connections, stop.Token);
        try
        {
            Assert.True(await prober.ProbeAsync("127.0.0.1", port, port, stop.Token));

            listener.Stop(); // no new connection is accepted; the ones accepted stay open and keep answering

            Assert.False(await prober.ProbeAsync("127.0.0.1", port, port, stop.Token));
        }
        finally
        {
            await stop.CancelAsync();
            listener.Stop();
            await serving;
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>
    /// Issue #16: /readyz moved to the platform port, which stays up when the function's listener dies; the probe also
    /// opens a connection to the function's port, as Knative's queue-proxy does, so such an instance is not ready.
    /// </summary>
    [Fact]
    public async Task ProbeAsync_PlatformPortReadyButFunctionPortClosed_NotReady()
    {
        using var prober = new ReadinessProber(TimeSpan.FromSeconds(2), TimeProvider.System);
        var platform = new TcpListener(IPAddress.Loopback, 0);
        platform.Start();
        var function = new TcpListener(IPAddress.Loopback, 0);
        function.Start();
        var (platformPort, functionPort) = (((IPEndPoint)platform.LocalEndpoint).Port, ((IPEndPoint)function.LocalEndpoint).Port);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var connections = new List<TcpClient>();
        var serving = ServeAsync(platform, connections, stop.Token);
        try
        {
            Assert.True(await prober.ProbeAsync("127.0.0.1", functionPort, platformPort, stop.Token));

            function.Stop(); // the function's listener is gone; the runtime's /readyz still answers 200

            Assert.False(await prober.ProbeAsync("127.0.0.1", functionPort, platformPort, stop.Token));
        }
        finally
        {
            await stop.CancelAsync();
            platform.Stop();
            function.Stop();
            await serving;
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>Answers every request on every accepted connection 200, keeping the connection (HTTP/1.1 keep-alive).</summary>
    private static async Task ServeAsync(TcpListener listener, List<TcpClient> connections, CancellationToken cancellationToken)
    {
        var handlers = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                connections.Add(client);
                handlers.Add(AnswerAsync(client, cancellationToken));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // the listener stopped (InvalidOperationException: stopped before this accept began)
        }

        await Task.WhenAll(handlers);
    }

    private static async Task AnswerAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var stream = client.GetStream();
        var buffer = new byte[4096];
        var ok = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        try
        {
            for (var i = 0; i < 100; i++)
            {
                var read = 0;
                while (!Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
                    if (n == 0)
                    {
                        return;
                    }

                    read += n;
                }

                await stream.WriteAsync(ok, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // closed
        }
    }
}
