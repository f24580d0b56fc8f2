using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serverless.Runtime.Dotnet.Specialization;

/// <summary>
/// The second half of a generic runtime's warm-up, once Kestrel listens: the runtime sends itself, over real loopback
/// connections, what the platform sends first, so that it is compiled before the pool hands the process out.
/// <see cref="GenericWarmUp"/> runs the loading and invocation path in process and cannot reach Kestrel's side:
/// measured here (12 alternating generic starts each, load average ~14), the process spent 7.6 ms of CPU p50 on a
/// <c>POST /specialize</c> without this and 5.1 ms with it; what it saves is Kestrel reading a request body and the
/// asynchronous JSON parse of it, compiled at the first specialization otherwise. Through the activator with a pool
/// (bench/coldstart, README): queue → forward 7–20 ms against 13–31 ms.
/// </summary>
/// <remarks>
/// The specialization sent carries the process's own token and a handler that does not parse, so it is answered 422
/// before anything is changed (runtimes/README.md: the process stays generic); the request on <c>PORT</c> is answered
/// 503 like any request before specialization. Neither is counted in the metrics. A process with no token (one that
/// another proof of the platform's authorizes) sends none and is answered 401 before its body is read: Kestrel's side
/// is then warmed, the body's parse is not. A failure only costs the warmth.
/// </remarks>
internal static class LoopbackWarmUp
{
    /// <summary>Valid JSON and settings, so that all of the validation runs; only the handler is refused.</summary>
    public const string SpecializeBody = """{"functionPath":"/","handler":"warm-up","env":{"K_SERVICE":"warm-up"}}""";

    /// <summary>What the requests are answered when the warm-up went as intended.</summary>
    public const int ExpectedSpecializeStatus = 422;

    public const int ExpectedInvocationStatus = 503;

    private const int MaxResponseBytes = 64 * 1024;

    /// <summary>Sends both requests; returns their status codes (null for a request that failed or timed out).</summary>
    public static async Task<(int? Specialize, int? Invocation)> RunAsync(IPAddress listenAddress, int port, int platformPort, string? token, TimeSpan timeout)
    {
        var target = Target(listenAddress);
        using var deadline = new CancellationTokenSource(timeout);
        var specialize = await SendAsync(target, platformPort, SpecializeRequest(token), deadline.Token);
        var invocation = await SendAsync(target, port, "GET /warm-up HTTP/1.1\r\nHost: warm-up\r\nConnection: close\r\n\r\n", deadline.Token);
        return (specialize, invocation);
    }

    internal static string SpecializeRequest(string? token) => string.Create(
        CultureInfo.InvariantCulture,
        $"POST {GenericDispatcher.SpecializePath} HTTP/1.1\r\nHost: warm-up\r\n{(string.IsNullOrEmpty(token) ? "" : $"Authorization: Bearer {token}\r\n")}Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(SpecializeBody)}\r\nConnection: close\r\n\r\n{SpecializeBody}");

    /// <summary>A wildcard listen address is reached through the loopback address of its family.</summary>
    internal static IPAddress Target(IPAddress listenAddress) =>
        listenAddress.Equals(IPAddress.Any) ? IPAddress.Loopback
        : listenAddress.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
        : listenAddress;

    /// <summary>The status code of an HTTP/1.x status line (<c>HTTP/1.1 422 Unprocessable Entity</c>), or null.</summary>
    internal static int? ParseStatus(ReadOnlySpan<byte> response)
    {
        var end = response.IndexOf("\r\n"u8);
        var line = end < 0 ? response : response[..end];
        if (!line.StartsWith("HTTP/1."u8) || line.Length < 12 || line[8] != (byte)' ')
        {
            return null;
        }

        var code = line[9..12];
        if (line.Length > 12 && line[12] != (byte)' ')
        {
            return null;
        }

        return int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status >= 100 ? status : null;
    }

    private static async Task<int?> SendAsync(IPAddress address, int port, string request, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
            await socket.SendAsync(Encoding.UTF8.GetBytes(request), SocketFlags.None, cancellationToken);

            // Connection: close: the response ends when the server closes.
            var buffer = new byte[MaxResponseBytes];
            var length = 0;
            while (length < buffer.Length)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return ParseStatus(buffer.AsSpan(0, length));
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }
}
