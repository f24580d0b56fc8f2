using System.Net;
using System.Net.Sockets;

namespace Serverless.TestSupport;

public static class FreePort
{
    /// <summary>An ephemeral loopback port the OS just handed out; free unless something grabs it in between.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
