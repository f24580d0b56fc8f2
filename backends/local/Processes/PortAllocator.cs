using System.Net;
using System.Net.Sockets;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Picks a free loopback port by binding 127.0.0.1:0 and releasing it. Another process may grab the port
/// before the instance binds it; the instance then exits before turning ready and is restarted on a new port.
/// </summary>
internal static class PortAllocator
{
    private const int Attempts = 8;

    /// <summary>A free port not in <paramref name="taken"/> (the ports of instances still running).</summary>
    public static int Allocate(IReadOnlySet<int> taken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (!taken.Contains(port) || attempt == Attempts)
            {
                return port;
            }
        }
    }
}
