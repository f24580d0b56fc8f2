using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Serverless.Hosting.Web.Servers;

/// <summary>
/// A listening TCP socket, bound before anything else of a process is built: its address (port 0 resolved) is then
/// known to every object that needs it (a function's URL, the broker's reply address, platform.json), and a taken
/// address fails before any work started. Kestrel serves it through <see cref="LeanServer"/>.
/// </summary>
public sealed class BoundListener : IDisposable
{
    private BoundListener(Socket socket, string flag)
    {
        Socket = socket;
        Flag = flag;
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>The address actually bound (port 0 resolved).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The setting that chose the address (<c>--ingress</c>, <c>--admin</c>, <c>--metrics</c>), for messages.</summary>
    public string Flag { get; }

    /// <summary><c>http://{address}</c> as bound; a wildcard address stays a wildcard (see <see cref="AdvertisedUrl"/>).</summary>
    public string Url => "http://" + Authority(EndPoint.Address, EndPoint.Port);

    /// <summary>
    /// A URL a client on this machine can connect to: the bound address, or loopback when bound to a wildcard
    /// (<c>0.0.0.0</c> → <c>127.0.0.1</c>, <c>[::]</c> → <c>[::1]</c>), since a wildcard is not an address to connect to.
    /// </summary>
    public string AdvertisedUrl => "http://" + Authority(Advertised(EndPoint.Address), EndPoint.Port);

    private Socket Socket { get; }

    /// <summary>Binds and listens; a taken or forbidden address throws <see cref="ListenException"/> naming the flag.</summary>
    public static BoundListener Bind(IPEndPoint endPoint, string flag)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(512);
            return new BoundListener(socket, flag);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ListenException(flag, endPoint, e);
        }
    }

    /// <summary>Closes the socket, unless a server took it over (then the server closes it when it stops).</summary>
    public void Dispose() => Socket.Dispose();

    /// <summary>
    /// Hands the listening socket over to a server that takes ownership of a descriptor (Kestrel's <c>ListenHandle</c>
    /// closes it when it stops): the server gets a duplicate and this object closes its own, so each descriptor has
    /// one owner and the socket stops listening exactly when the server stops.
    /// </summary>
    internal ulong TakeHandle()
    {
        var duplicate = NativeMethods.Dup((int)Socket.Handle);
        if (duplicate < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        Socket.Dispose();
        return (ulong)duplicate;
    }

    private static IPAddress Advertised(IPAddress address) =>
        address.Equals(IPAddress.Any) ? IPAddress.Loopback
        : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
        : address;

    private static string Authority(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
}
