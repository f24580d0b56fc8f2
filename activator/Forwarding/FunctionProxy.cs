using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Activator.Configuration;
using Serverless.Activator.Functions;
using Serverless.Activator.Metrics;
using Serverless.Activator.Routing;
using Serverless.Activator.Throttling;
using Serverless.Activator.Tracing;
using Serverless.Core.Contracts;
using Serverless.Hosting.Web.Problems;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.Activator.Forwarding;

/// <summary>
/// The activator's request handler: route, find the function's entry in the <see cref="FunctionRegistry"/>, take a
/// slot on an instance through its <see cref="FunctionThrottler"/> (asking for a scale-from-zero at once when there is
/// no instance), forward through YARP's <see cref="IHttpForwarder"/>, and retry on another instance what provably
/// never reached one. Per-function state lives in the registry, not here.
/// </summary>
/// <remarks>
/// Retries: a request is sent again (up to <see cref="ActivatorOptions.MaxForwardAttempts"/> attempts, to
/// another instance when there is one) only when nothing of the response reached the client, nothing of the
/// request body was read, and either the connection could not be made (<see cref="HttpRequestError.ConnectionError"/>)
/// or the instance's runtime refused it at its concurrency limit (a 429 marked <c>X-Serverless-Rejected</c>; a
/// function's own 429 or 503 ran and is passed through). A request with a body that was (even partly) read is never retried: the
/// activator streams bodies and keeps no copy. In practice that means bodies are retried on connect errors
/// (HttpClient reads the body only once connected) but a 429 to a request with a body is answered 429.
/// </remarks>
public sealed partial class FunctionProxy : IDisposable
{
    private readonly FunctionRegistry _functions;
    private readonly IScaleRequester _scaler;
    private readonly IHttpForwarder _forwarder;
    private readonly ActivatorOptions _options;
    private readonly ActivatorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly HttpMessageInvoker _client;
    private readonly RouteCache _routeCache;

    public FunctionProxy(
        FunctionRegistry functions,
        IScaleRequester scaler,
        IHttpForwarder forwarder,
        ActivatorOptions options,
        ActivatorMetrics metrics,
        ILogger<FunctionProxy> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _functions = functions;
        _scaler = scaler;
        _forwarder = forwarder;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _routeCache = new RouteCache(options.Domain);

        // One pooled client for every instance: no proxy, redirects, decompression or cookies;
        // the activator passes bytes through as they are.
        _client = new HttpMessageInvoker(new RejectionHandler(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = options.ConnectTimeout,
            ActivityHeadersPropagator = null,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        }));
    }

    /// <remarks>Not async itself: the forward's state machine is the only one a request allocates.</remarks>
    public Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        if (_routeCache.TryRoute(context.Request, out var route, out var remembered)
            && route.Tag is null && !route.Prefix.HasValue && _functions.TryResolveTagHost(route.Key) is { } tagHost)
        {
            // {tag}-{function}.{namespace}.{domain}: a traffic tag's host (issue #17), when no Function has the whole name.
            route = route with { Key = tagHost.Function, Tag = tagHost.Tag };
        }

        if (route.Key.Name is null || !_functions.TryGet(route.Key, out var state, out var timeout))
        {
            return ProblemDetailsWriter.WriteAsync(context, StatusCodes.Status404NotFound, "Function not found", NotFoundDetail(route));
        }

        if (route.Tag is { } tag)
        {
            // Tagged URLs are not cached: the prefix cache keeps only the function, and a tag's revision moves.
            if (_functions.TagProblem(route.Key, tag) is { } problem)
            {
                return ProblemDetailsWriter.WriteAsync(context, problem.Status, problem.Title, problem.Detail, problem.Status == StatusCodes.Status503ServiceUnavailable ? _options.RetryAfter : null);
            }

            if (_functions.TryGetTagged(route.Key, tag, out var tagged, out var taggedTimeout))
            {
                (state, timeout) = (tagged, taggedTimeout);
            }
        }
        else if (!remembered)
        {
            _routeCache.Remember(context.Request, route);
        }

        return ForwardAsync(context, state, route, timeout, started);
    }

    public void Dispose() => _client.Dispose();

    private async Task ForwardAsync(HttpContext context, FunctionRoute state, RouteMatch route, TimeSpan timeout, long started)
    {
        // The Function and revision as the metrics name them. Read where used rather than kept in a local, which would
        // widen the per-request state machine (it lives across the awaits below).
        using var span = ActivatorTracing.StartRequest(context, state.Labels.FunctionLabel, state.Labels.Revision);
        try
        {
            var throttler = state.Throttler;
            var label = state.Label;
            var request = context.Request;
            var bodyBytes = request.ContentLength ?? 0;
            if (throttler.ReadyInstances == 0)
            {
                if (bodyBytes > _options.MaxQueuedBytesPerFunction)
                {
                    // It would have to wait, and can never: refuse it before starting an instance for nothing.
                    await AnswerUnacquiredAsync(
                        context, route.Key, AcquireResult.Failed(AcquireStatus.TooLarge, FunctionThrottler.TooLargeReason(bodyBytes, _options.MaxQueuedBytesPerFunction))).ConfigureAwait(false);
                    return;
                }

                // The workload the request was routed to (its revision's), not the Function named in the URL: every
                // revision is its own scaling unit, and waking the Function's key left the revision to the next tick.
                _scaler.RequestScaleFromZero(state.Key);
            }

            ReadTrackingStream? body = null;
            if (bodyBytes > 0 || request.Headers.TransferEncoding.Count > 0)
            {
                body = new ReadTrackingStream(request.Body);
                request.Body = body;
            }

            // The transformer (YARP's default underneath) sets X-Forwarded-Prefix from PathBase: the prefix the instance
            // was reached under, so it can build its public URLs; Host stays the client's, and Forwarded is ours.
            request.PathBase = route.Prefix;
            request.Path = route.InstancePath;
            var config = state.Config(timeout, HttpProtocol.IsHttp2(request.Protocol));
            string? avoid = null;
            for (var attempt = 1; ; attempt++)
            {
                AcquireResult acquired;
                using (var queue = throttler.ReadyInstances == 0 ? ActivatorTracing.StartQueue(state.Labels.FunctionLabel, state.Labels.Revision) : null)
                {
                    acquired = await throttler.AcquireAsync(bodyBytes, timeout, avoid, newRequest: attempt == 1, context.RequestAborted).ConfigureAwait(false);
                    queue?.SetTag("serverless.outcome", acquired.Status.ToString());
                }

                if (acquired.Lease is not { } lease)
                {
                    await AnswerUnacquiredAsync(context, route.Key, acquired).ConfigureAwait(false);
                    return;
                }

                var outcome = LeaseOutcome.Neutral;
                // Current while YARP sends, so the transformer hands its context to the instance as traceparent.
                using var forward = ActivatorTracing.StartForward(state.Labels.FunctionLabel, state.Labels.Revision, lease.Endpoint.Id, attempt);
                try
                {
                    if (lease.ColdStart is { } coldStart)
                    {
                        // Rare (once per scale from zero), so the labelled child is looked up here rather than cached.
                        var labels = state.Labels;
                        _metrics.ColdStart.WithLabels(labels.Function.Namespace, labels.Function.Name, labels.Revision).Observe(coldStart.TotalSeconds);
                    }

                    var error = await _forwarder.SendAsync(context, lease.Destination, _client, config, FunctionRequestTransformer.Instance).ConfigureAwait(false);
                    var failure = error == ForwarderError.None ? null : context.GetForwarderErrorFeature()?.Exception;
                    if (error != ForwarderError.None)
                    {
                        forward?.SetStatus(ActivityStatusCode.Error, error.ToString());
                    }

                    outcome = Classify(context, error, failure);
                    if (error == ForwarderError.None)
                    {
                        return;
                    }

                    var refused = failure is InstanceRejectedException;
                    var retryable = error == ForwarderError.Request
                        && (refused || failure is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
                        && !context.Response.HasStarted
                        && body is not { Touched: true };
                    if (retryable && attempt < _options.MaxForwardAttempts && !context.RequestAborted.IsCancellationRequested)
                    {
                        LogRetrying(_logger, label, lease.Endpoint.Id, attempt, error.ToString(), failure);
                        avoid = lease.Endpoint.Id;
                        context.Response.StatusCode = StatusCodes.Status200OK;
                        continue;
                    }

                    var failed = state.Labels;
                    _metrics.ForwardFailures.WithLabels(failed.FunctionLabel, failed.Revision, error.ToString()).Inc();
                    if (state.ForwardFailureLog.TryAcquire(state.Time.GetUtcNow(), out var suppressed))
                    {
                        // One line, no stack: the same failure repeats for every request while it lasts.
                        LogForwardFailed(_logger, label, lease.Endpoint.Id, error.ToString(), failure?.GetBaseException().Message ?? "", suppressed);
                    }
                    if (refused && !context.Response.HasStarted)
                    {
                        await ProblemDetailsWriter.WriteAsync(
                            context,
                            StatusCodes.Status429TooManyRequests,
                            "Function at its concurrency limit",
                            $"every attempt to send the request to function {route.Key} was refused with 429",
                            _options.RetryAfter).ConfigureAwait(false);
                    }

                    return;
                }
                finally
                {
                    lease.Release(outcome);
                }
            }
        }
        finally
        {
            span?.SetTag("http.response.status_code", context.Response.StatusCode);
            state.Labels.Requests(context.Response.StatusCode).Inc();
            _metrics.RequestDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private Task AnswerUnacquiredAsync(HttpContext context, FunctionKey key, AcquireResult result)
    {
        var reason = result.Reason ?? result.Status.ToString();
        LogNotForwarded(_logger, key.ToString(), result.Status.ToString(), reason);
        return result.Status switch
        {
            AcquireStatus.QueueFull => ProblemDetailsWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Queue full", reason, _options.RetryAfter),
            AcquireStatus.ActivationFailed => ProblemDetailsWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Function did not start", reason, _options.RetryAfter),
            AcquireStatus.TooLarge => ProblemDetailsWriter.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large", reason),
            AcquireStatus.TimedOut => ProblemDetailsWriter.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "No instance in time", reason),

            // The client is gone: nothing to write to. 499 is nginx's "client closed request", for the metric only.
            _ => SetStatus(context, 499),
        };
    }

    private static Task SetStatus(HttpContext context, int status)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }

    /// <summary>What the attempt says about the instance's health (for outlier detection).</summary>
    private static LeaseOutcome Classify(HttpContext context, ForwarderError error, Exception? failure) => error switch
    {
        ForwarderError.None => context.Response.StatusCode >= 500 ? LeaseOutcome.Failure : LeaseOutcome.Success,
        ForwarderError.Request when failure is InstanceRejectedException => LeaseOutcome.Neutral,
        ForwarderError.Request when IsRefused(failure) => LeaseOutcome.Refused,
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
            or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled
            or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient => LeaseOutcome.Neutral,
        _ => LeaseOutcome.Failure,
    };

    private static bool IsRefused(Exception? failure) =>
        failure is HttpRequestException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } };

    private static string NotFoundDetail(RouteMatch route) =>
        route.Key.Name is null
            ? "use /{namespace}/{function}/… or the host {function}.{namespace}.{domain}"
            : $"no function {route.Key} is deployed";

    [LoggerMessage(
        EventId = ActivatorEventIds.ForwardFailed,
        Level = LogLevel.Warning,
        Message = "Forwarding to {Function} instance {Instance} failed: {Error}: {Reason} ({Suppressed} more such failures of this function were not logged in the last interval)")]
    private static partial void LogForwardFailed(ILogger logger, string function, string instance, string error, string reason, long suppressed);

    [LoggerMessage(EventId = ActivatorEventIds.Retrying, Level = LogLevel.Debug, Message = "Retrying {Function} after instance {Instance} failed attempt {Attempt}: {Error}")]
    private static partial void LogRetrying(ILogger logger, string function, string instance, int attempt, string error, Exception? exception);

    [LoggerMessage(EventId = ActivatorEventIds.NotForwarded, Level = LogLevel.Information, Message = "Request for {Function} not forwarded ({Status}): {Reason}")]
    private static partial void LogNotForwarded(ILogger logger, string function, string status, string reason);
}
