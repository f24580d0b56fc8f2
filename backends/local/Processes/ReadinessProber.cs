using System.Net;
using System.Net.Sockets;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Asks an instance <c>GET http://127.0.0.1:{platformPort}/readyz</c> on a fresh connection, as kubelet does, and then
/// opens a fresh TCP connection to its function port, as Knative's queue-proxy checks the user container's port: only
/// both within the timeout is ready. A pooled connection would keep answering after the instance closed its listening
/// socket, while every new connection, the activator's included, is refused; and since issue #16 the runtime's
/// <c>/readyz</c> is on a port of its own, which stays up when the function's listener dies.
/// </summary>
internal sealed class ReadinessProber : IDisposable
{
    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public ReadinessProber(TimeSpan timeout, TimeProvider time)
    {
        _timeout = timeout;
        _time = time;

        // No proxy: an http_proxy in the platform's environment must not intercept loopback probes.
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = timeout, PooledConnectionLifetime = TimeSpan.Zero })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <param name="port">The function's port (PORT), which must accept a connection.</param>
    /// <param name="platformPort">The runtime's own port (PLATFORM_PORT), whose <c>/readyz</c> must answer 200.</param>
    public async Task<bool> ProbeAsync(string host, int port, int platformPort, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            using (var response = await _client.GetAsync(
                new Uri($"http://{host}:{platformPort}/readyz"), HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false))
            {
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return false;
                }
            }

            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(host, port, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (HttpRequestException)
        {
            // Refused or reset: not listening (yet, or any more). That is the answer, not an error.
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();
}
