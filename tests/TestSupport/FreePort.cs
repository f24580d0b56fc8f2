using System.Net;
using System.Net.Sockets;

namespace Serverless.TestSupport;

public static class FreePort
{
    /// <summary>
    /// An ephemeral loopback port the OS just handed out; free unless something grabs it in between. For a port a
    /// child process binds later, <see cref="Reserve"/> closes that gap.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A loopback port held (bound, not listening) until disposed, for a child process to listen on.</summary>
    public static PortReservation Reserve() => new();

    /// <summary>
    /// How many of <paramref name="binds"/> binds to 127.0.0.1:0, each closed at once, the kernel gave
    /// <paramref name="port"/>: what a held port must never be given (as a released one sometimes is).
    /// </summary>
    public static int TimesHandedOut(int port, int binds)
    {
        var hits = 0;
        for (var i = 0; i < binds; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            hits += ((IPEndPoint)socket.LocalEndPoint!).Port == port ? 1 : 0;
        }

        return hits;
    }
}
