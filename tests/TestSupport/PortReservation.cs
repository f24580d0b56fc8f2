using System.Net;
using System.Net.Sockets;

namespace Serverless.TestSupport;

/// <summary>
/// A loopback port held for a child process that binds it later. <see cref="FreePort.Next"/> releases its port at
/// once, and until the child binds it, any other process may take it: a listener on port 0 (every double, every
/// Kestrel of the tests running in parallel) or an outgoing connection's local port (both come from the same
/// ephemeral range). The child then fails with "address already in use", or a probe of the port reaches someone
/// else's server. A reservation keeps a socket bound to the port, not listening, until it is disposed: Linux then
/// gives the port to no bind to port 0 and to no outgoing connection, while the child, binding it with
/// SO_REUSEADDR as Node, Python's http.server and .NET all do, may listen on it (a port is refused to SO_REUSEADDR
/// only when a socket listens on it).
/// </summary>
public sealed class PortReservation : IDisposable
{
    private readonly Socket _socket;

    public PortReservation()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public int Port { get; }

    /// <summary>Releases the port: after the child has exited, or once it listens (it keeps the port then).</summary>
    public void Dispose() => _socket.Dispose();
}
