using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Activator.Activation;
using Serverless.Activator.LoadBalancing;
using Serverless.Activator.Metrics;
using Serverless.Activator.Routing;
using Serverless.Core.Contracts;
using Serverless.Core.Informers;
using Yarp.ReverseProxy.Forwarder;
using FunctionResource = Serverless.Core.Api.Function;

namespace Serverless.Activator.Forwarding;

/// <summary>
/// The activator's request handler: route, wait for an instance when there is none (asking for a
/// scale-from-zero at once), pick an instance, forward through YARP's <see cref="IHttpForwarder"/>.
/// </summary>
public sealed partial class FunctionProxy : IDisposable
{
    private readonly ResourceInformer<FunctionResource> _functions;
    private readonly IEndpointSource _endpoints;
    private readonly IScaleRequester _scaler;
    private readonly IHttpForwarder _forwarder;
    private readonly ActivatorOptions _options;
    private readonly ActivatorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpMessageInvoker _client;
    private readonly EndpointWaiter _waiter;
    private readonly LeastInFlightBalancer _balancer = new();

    public FunctionProxy(
        ResourceInformer<FunctionResource> functions,
        IEndpointSource endpoints,
        IScaleRequester scaler,
        IHttpForwarder forwarder,
        ActivatorOptions options,
        ActivatorMetrics metrics,
        TimeProvider time,
        ILogger<FunctionProxy> logger)
    {
        _functions = functions;
        _endpoints = endpoints;
        _scaler = scaler;
        _forwarder = forwarder;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _waiter = new EndpointWaiter(endpoints);

        // One pooled client for every instance: no proxy, redirects, decompression or cookies;
        // the activator passes bytes through as they are.
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = options.ConnectTimeout,
            ActivityHeadersPropagator = null,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        });
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        if (!RequestRouter.TryRoute(context.Request.Host.Host, context.Request.Path, _options.Domain, out var route)
            || !_functions.TryGet(route.Key, out var function) || function is null)
        {
            await Problem.WriteAsync(context, StatusCodes.Status404NotFound, "Function not found", NotFoundDetail(context, route)).ConfigureAwait(false);
            return;
        }

        var label = route.Key.ToString();
        var timeout = TimeSpan.FromSeconds(function.Spec.TimeoutSeconds ?? 300);
        try
        {
            await ForwardAsync(context, route, label, timeout).ConfigureAwait(false);
        }
        finally
        {
            _metrics.RequestsTotal.WithLabels(label, context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            _metrics.RequestDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task ForwardAsync(HttpContext context, RouteMatch route, string label, TimeSpan timeout)
    {
        var endpoints = _endpoints.GetReadyEndpoints(route.Key);
        if (endpoints.Count == 0)
        {
            endpoints = await ActivateAsync(context, route.Key, label, timeout).ConfigureAwait(false);
            if (endpoints.Count == 0)
            {
                return; // answered already
            }
        }

        var counter = _balancer.Pick(endpoints, out var instance);
        counter.Increment();
        _metrics.InFlight.WithLabels(label).Inc();
        try
        {
            context.Items[ForwardedHeadersTransformer.PrefixItemKey] = route.Prefix.Value;
            context.Request.Path = route.InstancePath;
            var config = new ForwarderRequestConfig { ActivityTimeout = timeout, Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
            var error = await _forwarder.SendAsync(context, "http://" + instance.Authority, _client, config, ForwardedHeadersTransformer.Instance).ConfigureAwait(false);
            if (error != ForwarderError.None)
            {
                var failure = context.GetForwarderErrorFeature()?.Exception;
                LogForwardFailed(_logger, label, instance.Id, error.ToString(), failure);
            }
        }
        finally
        {
            counter.Decrement();
            _metrics.InFlight.WithLabels(label).Dec();
        }
    }

    private async Task<IReadOnlyList<InstanceEndpoint>> ActivateAsync(HttpContext context, FunctionKey key, string label, TimeSpan timeout)
    {
        if (_waiter.Waiting(key) >= _options.MaxQueuedRequestsPerFunction)
        {
            await Problem.WriteAsync(
                context,
                StatusCodes.Status503ServiceUnavailable,
                "Queue full",
                $"{_options.MaxQueuedRequestsPerFunction} requests are already waiting for function {key} to start",
                TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return [];
        }

        _scaler.RequestScaleFromZero(key);
        var waitStarted = Stopwatch.GetTimestamp();
        _metrics.QueueDepth.WithLabels(label).Inc();
        IReadOnlyList<InstanceEndpoint> ready;
        try
        {
            ready = await _waiter.WaitAsync(key, timeout, _time, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return []; // the client left the queue
        }
        finally
        {
            _metrics.QueueDepth.WithLabels(label).Dec();
        }

        if (ready.Count == 0)
        {
            await Problem.WriteAsync(
                context,
                StatusCodes.Status504GatewayTimeout,
                "Function did not start in time",
                $"no instance of function {key} became ready within {timeout.TotalSeconds:0} s").ConfigureAwait(false);
            return [];
        }

        _metrics.ColdStart.Observe(Stopwatch.GetElapsedTime(waitStarted).TotalSeconds);
        return ready;
    }

    private static string NotFoundDetail(HttpContext context, RouteMatch route) =>
        route.Key.Name is null
            ? "use /{namespace}/{function}/… or the host {function}.{namespace}.{domain}"
            : $"no function {route.Key} is deployed";

    public void Dispose() => _client.Dispose();

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Forwarding to {Function} instance {Instance} failed: {Error}")]
    private static partial void LogForwardFailed(ILogger logger, string function, string instance, string error, Exception? exception);
}
