using System.Net;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Asks an instance <c>GET http://127.0.0.1:{port}/readyz</c> on a fresh connection, as kubelet does; only a 200
/// within the timeout is ready. A pooled connection would keep answering after the instance closed its listening
/// socket, while every new connection, the activator's included, is refused.
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

    public async Task<bool> ProbeAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            using var response = await _client.GetAsync(
                new Uri($"http://{host}:{port}/readyz"), HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK;
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
