using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Serverless.Activator.Configuration;
using Serverless.Activator.Metrics;
using Serverless.Activator.Throttling;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using FunctionResource = Serverless.Core.Api.Function;

namespace Serverless.Activator.Functions;

/// <summary>
/// The activator's per-function state: one <see cref="FunctionRoute"/> (throttler, metric labels, forwarder
/// configuration) per deployed function, created at its first request and kept current with its ready endpoints.
/// It is what the request path takes a slot from, what the <c>ConcurrencyReporter</c> closes
/// windows on, and the live view the autoscaler asks before scaling to zero (<see cref="IFunctionActivity"/>).
/// </summary>
/// <remarks>
/// Thread-safe. An entry lives as long as the registry: a function that was deleted keeps its (idle) throttler,
/// which reports nothing once it has nothing in flight or queued.
/// </remarks>
public sealed class FunctionRegistry : IFunctionActivity, IDisposable
{
    private readonly ResourceInformer<FunctionResource> _functions;
    private readonly IEndpointSource _endpoints;
    private readonly ActivatorOptions _options;
    private readonly ActivatorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<FunctionKey, FunctionRoute> _routes = new();

    public FunctionRegistry(
        ResourceInformer<FunctionResource> functions, IEndpointSource endpoints, ActivatorOptions options, ActivatorMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _functions = functions;
        _endpoints = endpoints;
        _options = options;
        _metrics = metrics;
        _time = time;
        _endpoints.EndpointsChanged += OnEndpointsChanged;
    }

    /// <summary>Requests in flight to the function's instances plus those queued for one, now.</summary>
    public int ActiveRequests(FunctionKey key) => _routes.TryGetValue(key, out var route) ? route.Throttler.ActiveRequests : 0;

    public int InFlight(FunctionKey key, string instanceId) => _routes.TryGetValue(key, out var route) ? route.Throttler.InFlightTo(instanceId) : 0;

    /// <summary>
    /// The entry of the deployed function <paramref name="key"/>, its throttler's <c>containerConcurrency</c> brought
    /// up to date from the Function, and the Function's timeout; false when no such function is deployed.
    /// </summary>
    /// <remarks>On every request: a lookup in the informer's cache and in the entries, nothing allocated once the entry exists.</remarks>
    internal bool TryGet(FunctionKey key, [NotNullWhen(true)] out FunctionRoute? route, out TimeSpan timeout)
    {
        if (!_functions.TryGet(key, out var function) || function is null)
        {
            route = null;
            timeout = default;
            return false;
        }

        timeout = TimeSpan.FromSeconds(function.Spec.TimeoutSeconds ?? 300);
        route = GetOrAdd(key);
        route.Throttler.SetContainerConcurrency(function.Spec.Scale?.ContainerConcurrency ?? 0);
        return true;
    }

    /// <summary>
    /// Why a tag URL cannot be served, or null when it can: the tag must be in the Function's <c>status.traffic</c>, and
    /// (local mode runs one revision per Function for now, issue #17) its revision must be the one serving, the
    /// largest share of the split.
    /// </summary>
    internal TagProblem? TagProblem(FunctionKey key, string tag)
    {
        if (!_functions.TryGet(key, out var function) || function?.Status?.Traffic is not { Count: > 0 } traffic)
        {
            return new TagProblem(StatusCodes.Status404NotFound, "Tag not found", $"function {key} has no resolved traffic yet");
        }

        if (traffic.FirstOrDefault(t => t.Tag == tag) is not { RevisionName: { } revision })
        {
            return new TagProblem(StatusCodes.Status404NotFound, "Tag not found", $"function {key} has no traffic tag \"{tag}\"");
        }

        var served = Core.Traffic.TrafficResolution.Weights(traffic).OrderByDescending(w => w.Value).Select(w => w.Key).FirstOrDefault();
        return served == revision
            ? null
            : new TagProblem(
                StatusCodes.Status503ServiceUnavailable,
                "Revision not served",
                $"tag \"{tag}\" is revision {revision}, but local mode runs one revision per function for now and {key} runs {served}");
    }

    /// <summary>Closes every function's reporting window; for the <c>ConcurrencyReporter</c>.</summary>
    internal IEnumerable<(FunctionKey Key, StatsWindow Window)> TakeWindows()
    {
        foreach (var (key, route) in _routes)
        {
            yield return (key, route.Throttler.TakeWindow());
        }
    }

    public void Dispose()
    {
        _endpoints.EndpointsChanged -= OnEndpointsChanged;
        foreach (var route in _routes.Values)
        {
            route.Throttler.Dispose();
        }
    }

    private FunctionRoute GetOrAdd(FunctionKey key)
    {
        if (_routes.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var throttler = new FunctionThrottler(key, _options, _time);
        throttler.UpdateEndpoints(() => _endpoints.GetReadyEndpoints(key));
        var created = new FunctionRoute(key, throttler, _metrics.RequestsTotal, _time);
        var route = _routes.GetOrAdd(key, created);
        if (!ReferenceEquals(route, created))
        {
            throttler.Dispose();
            return route;
        }

        // Read once more now that change events can find it: a change between the first read and the add is not lost.
        throttler.UpdateEndpoints(() => _endpoints.GetReadyEndpoints(key));
        return route;
    }

    private void OnEndpointsChanged(FunctionKey key)
    {
        // For every function, not only those that had a request: a dashboard compares it with the desired count.
        _metrics.ReadyInstances.WithLabels(key.ToString()).Set(_endpoints.GetReadyEndpoints(key).Count);
        if (_routes.TryGetValue(key, out var route))
        {
            route.Throttler.UpdateEndpoints(() => _endpoints.GetReadyEndpoints(key));
        }
    }
}
