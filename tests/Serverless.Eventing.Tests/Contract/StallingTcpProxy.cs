using System.Net;
using System.Net.Sockets;

namespace Serverless.Eventing.Tests.Contract;

/// <summary>
/// A loopback TCP relay to a real server that can be told to stall: from then on it keeps every socket open and
/// forwards nothing either way, as a stopped or wedged peer looks to a client (no RST, no FIN, no answer).
/// </summary>
internal sealed class StallingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _sockets = [];
    private readonly Task _accepting;
    private volatile bool _stalled;

    public StallingTcpProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Stops relaying; bytes already in flight may still arrive, nothing after.</summary>
    public void Stall() => _stalled = true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var upstream = new TcpClient();
            await upstream.ConnectAsync(_target, _stop.Token);
            lock (_sockets)
            {
                _sockets.Add(client);
                _sockets.Add(upstream);
            }

            _ = RelayAsync(client.GetStream(), upstream.GetStream());
            _ = RelayAsync(upstream.GetStream(), client.GetStream());
        }
    }

    private async Task RelayAsync(Stream from, Stream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0 || _stalled)
                {
                    // A stalled relay swallows what it read and keeps both sockets open until disposed.
                    if (read == 0)
                    {
                        return;
                    }

                    continue;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The proxy is being disposed or a side closed: the relay ends.
        }
    }
}
