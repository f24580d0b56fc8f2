using System.Net;
using System.Net.Sockets;

namespace Serverless.Hosting.Web.Servers;

/// <summary>An address could not be bound: one line naming the flag that chose it, never a stack trace.</summary>
public sealed class ListenException(string flag, IPEndPoint address, SocketException inner)
    : Exception($"cannot listen on {address} ({flag}): {inner.Message}; is another platform running? choose another address with {flag} HOST:PORT", inner)
{
    public string Flag { get; } = flag;
}
