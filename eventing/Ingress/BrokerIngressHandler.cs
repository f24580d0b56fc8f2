using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Core.Naming;
using Serverless.Eventing.Metrics;
using Serverless.Eventing.Routing;
using Serverless.Hosting.Web.Problems;

using Serverless.Eventing.Tracing;

namespace Serverless.Eventing.Ingress;

/// <summary>
/// <c>POST /brokers/{namespace}/{broker}</c> on the platform's ingress server (<c>POST /{namespace}/{broker}</c> on
/// Kubernetes' broker role, which serves nothing else): CloudEvents in binary, structured or
/// batch mode; 202 once durably stored; 400 naming the missing or bad attribute; 404 for an unknown broker; 413 past
/// <c>max-event-size</c>; 503 with Retry-After when the store fails (the client should send again).
/// </summary>
internal sealed partial class BrokerIngressHandler
{
    public const string PathPrefix = "/brokers";

    private readonly string _pathPrefix;
    private readonly BrokerIngestor _ingestor;
    private readonly ITriggerRoutes _routes;
    private readonly BrokerOptions _options;
    private readonly BrokerMetrics _metrics;
    private readonly ILogger _logger;

    /// <param name="pathPrefix"><see cref="PathPrefix"/> on a shared ingress; empty on a broker-only server (<c>POST /{namespace}/{broker}</c>).</param>
    public BrokerIngressHandler(BrokerIngestor ingestor, ITriggerRoutes routes, BrokerOptions options, BrokerMetrics metrics, ILogger<BrokerIngressHandler> logger, string pathPrefix = PathPrefix)
    {
        _pathPrefix = pathPrefix;
        _ingestor = ingestor;
        _routes = routes;
        _options = options;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>A cheap test the ingress runs on every request before the function proxy: one ordinal prefix compare.</summary>
    public static bool Handles(PathString path) => path.StartsWithSegments(PathPrefix, StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var segments = path[Math.Min(_pathPrefix.Length, path.Length)..].Trim('/').Split('/');
        if (segments.Length != 2 || !path.StartsWith(_pathPrefix, StringComparison.Ordinal))
        {
            await ProblemDetailsWriter.WriteAsync(context, StatusCodes.Status404NotFound, "Not Found", $"broker ingress is POST {_pathPrefix}/{{namespace}}/{{broker}}").ConfigureAwait(false);
            return;
        }

        var (ns, broker) = (segments[0], segments[1]);
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.Headers.Allow = "POST";
            await ProblemDetailsWriter.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "Method Not Allowed", "send events with POST").ConfigureAwait(false);
            return;
        }

        if (!Names.IsDns1123Label(ns) || !Names.IsDns1123Label(broker))
        {
            await Reject(context, "", "", StatusCodes.Status404NotFound, "unknown_broker", $"no broker \"{Names.Printable(broker)}\" in namespace \"{Names.Printable(ns)}\"").ConfigureAwait(false);
            return;
        }

        if (!_routes.HasSynced)
        {
            await _routes.WaitForSyncAsync(context.RequestAborted).ConfigureAwait(false);
        }

        if (!_routes.BrokerExists(ns, broker))
        {
            await Reject(context, "", "", StatusCodes.Status404NotFound, "unknown_broker", $"no broker \"{broker}\" in namespace \"{ns}\" (only \"default\" exists without a Broker resource)").ConfigureAwait(false);
            return;
        }

        var body = await RequestBody.ReadAsync(context.Request.Body, context.Request.ContentLength, _options.MaxEventSize, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            await Reject(context, ns, broker, StatusCodes.Status413PayloadTooLarge, "too_large", $"the request body exceeds max-event-size ({_options.MaxEventSize} bytes)").ConfigureAwait(false);
            return;
        }

        var parsed = CloudEventHttpReader.Parse(context.Request.Headers, body);
        if (!parsed.IsValid)
        {
            await Reject(context, ns, broker, StatusCodes.Status400BadRequest, "invalid", parsed.Error!).ConfigureAwait(false);
            return;
        }

        using var span = BrokerTracing.StartIngress(context, ns, broker);
        try
        {
            IReadOnlyList<Events.BrokerEvent> events = span is null ? parsed.Events : parsed.Events.Select(BrokerTracing.WithContext).ToList();
            using (BrokerTracing.StartStore(events.Count))
            {
                await _ingestor.IngestAsync(ns, broker, events, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (BrokerClassUnavailableException e)
        {
            // Configuration, not a passing fault: the reason goes to the client, and the log has it in the Broker's status.
            await Reject(context, ns, broker, StatusCodes.Status503ServiceUnavailable, "class_unavailable", e.Message, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            return;
        }
        catch (IOException e)
        {
            LogStoreFailed(_logger, ns, broker, e);
            await Reject(context, ns, broker, StatusCodes.Status503ServiceUnavailable, "store_error", "the event could not be stored; send it again", TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    /// <param name="ns">Empty for a broker that does not exist: its name came from the client, and must not mint series.</param>
    private Task Reject(HttpContext context, string ns, string broker, int status, string reason, string detail, TimeSpan? retryAfter = null)
    {
        _metrics.EventsRejected.WithLabels(ns, broker, reason).Inc();
        var title = status switch
        {
            400 => "Bad Request",
            404 => "Not Found",
            413 => "Payload Too Large",
            _ => "Service Unavailable",
        };
        return ProblemDetailsWriter.WriteAsync(context, status, title, detail, retryAfter);
    }

    [LoggerMessage(EventId = EventingEventIds.StoreFailed, Level = LogLevel.Error, Message = "Storing events for broker {Namespace}/{Broker} failed")]
    private static partial void LogStoreFailed(ILogger logger, string @namespace, string broker, Exception exception);
}
