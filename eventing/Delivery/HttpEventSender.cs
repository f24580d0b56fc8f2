using System.Net.Http.Headers;
using System.Text;
using Serverless.Eventing.Events;
using Serverless.Eventing.Ingress;

namespace Serverless.Eventing.Delivery;

/// <summary>
/// POSTs an event in binary mode with <c>Prefer: reply</c>, under a per-attempt timeout, and reads the answer: the
/// status, <c>Retry-After</c>, a reply event (binary or structured) on 2xx, and the start of the body on failure.
/// </summary>
internal sealed class HttpEventSender : IEventSender, IDisposable
{
    /// <summary>How much of a failure response body is kept as the reason (Knative truncates knativeerrordata likewise).</summary>
    public const int MaxErrorBytes = 1024;

    private readonly HttpMessageInvoker _client;
    private readonly TimeProvider _time;

    public HttpEventSender(TimeProvider time)
        : this(new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // The delivery span's context is set by BrokerTracing.Inject, and only that one.
            ActivityHeadersPropagator = null,
        }), time)
    {
    }

    public HttpEventSender(HttpMessageInvoker client, TimeProvider time)
    {
        _client = client;
        _time = time;
    }

    public async Task<SendResult> SendAsync(Uri target, BrokerEvent brokerEvent, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, target);
        BrokerEventContent.WriteBinary(request, brokerEvent);
        request.Headers.TryAddWithoutValidation("Prefer", "reply");
        Tracing.BrokerTracing.Inject(request);
        try
        {
            using var response = await _client.SendAsync(request, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var retryAfter = RetryAfter(response.Headers.RetryAfter);
            if (response.IsSuccessStatusCode)
            {
                var (reply, invalid) = await BrokerEventReader.ReadResponseAsync(response, linked.Token).ConfigureAwait(false);

                // Knative treats a malformed reply as a failed delivery, so it is retried and can reach the dead-letter sink.
                return invalid is null
                    ? new SendResult(status, retryAfter, reply, null)
                    : new SendResult(null, retryAfter, null, $"the reply from {target} is not a valid CloudEvent: {CloudEventHttpReader.Describe(invalid)}");
            }

            var body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            var error = body.Length > 0
                ? Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, MaxErrorBytes))
                : $"{status} {response.ReasonPhrase}";
            return new SendResult(status, retryAfter, null, error);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new SendResult(null, null, null, $"no response from {target} within {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return new SendResult(null, null, null, $"{target}: {e.Message}");
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    public void Dispose() => _client.Dispose();
}
