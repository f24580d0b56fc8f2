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
/// which reports nothing once it has nothing in flight or queued. Its metric series do not: every workload's labels
/// (<see cref="WorkloadLabels"/>: the Function and the revision, from the Function's status) are retired, their series
/// removed, once its revision is no longer routed and it has drained (<see cref="RetireUnrouted"/>).
/// </remarks>
public sealed class FunctionRegistry : IFunctionActivity, IDisposable
{
    private readonly ResourceInformer<FunctionResource> _functions;
    private readonly IEndpointSource _endpoints;
    private readonly ActivatorOptions _options;
    private readonly ActivatorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<FunctionKey, FunctionRoute> _routes = new();
    private readonly ConcurrentDictionary<FunctionKey, SplitEntry> _splits = new();

    /// <summary>Per workload key, the labels its metrics carry now; written under <see cref="_labelsGate"/>, read without.</summary>
    private readonly ConcurrentDictionary<FunctionKey, WorkloadLabels> _labels = new();
    private readonly Lock _labelsGate = new();

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

    /// <summary>
    /// Whether every revision runs as a workload keyed by its name (the controller's <c>RevisionWorkloads</c>; the local
    /// platform): then a Function the controller has not written a status for yet routes to the revision it is about
    /// to cut rather than to the Function's own key. False: Kubernetes today, where the main revision is the Function's.
    /// </summary>
    public bool RevisionWorkloads { get; init; }

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
        var (workload, labels) = Pick(key, function);
        route = GetOrAdd(workload, labels);
        route.Throttler.SetContainerConcurrency(function.Spec.Scale?.ContainerConcurrency ?? 0);
        return true;
    }

    /// <summary>
    /// Whether <paramref name="workload"/>, where a request to the Function <paramref name="function"/> was routed, runs
    /// the Function's spec as it is now, so that a pod made from that spec may join it (a warm pool's cold start): the
    /// Function's own key (an older layout's workload, as before revisions), or the workload of its latest created
    /// revision once the status has seen the current generation (a spec just changed has no revision of its own yet).
    /// </summary>
    internal bool RunsCurrentSpec(FunctionKey function, FunctionKey workload)
    {
        if (workload == function)
        {
            return true;
        }

        return _functions.TryGet(function, out var resource) && resource?.Status is { } status
            && status.ObservedGeneration == resource.Metadata.Generation
            && string.Equals(status.LatestCreatedRevision, workload.Name, StringComparison.Ordinal)
            && workload.Namespace == function.Namespace;
    }

    /// <summary>
    /// Where this request goes (issue #17): the revision the weighted choice of the Function's split picks (its only one
    /// without a split), whose workload is keyed by its name; each revision has its own throttler, queue and cold start.
    /// Before any traffic is resolved (a first deploy not ready yet, or not reconciled at all) the revision that is
    /// starting (<see cref="Core.Traffic.TrafficResolution.StartingRevision"/>).
    /// The revision the status runs under the Function's own key (<c>functionKeyRevision</c>: an older layout's
    /// workload while it is replaced) maps to the Function's key.
    /// </summary>
    /// <remarks>
    /// The entry is rebuilt only when the Function's status.traffic object or its Function-key revision changes (an
    /// informer update), so a pick allocates nothing.
    /// </remarks>
    private (FunctionKey Workload, WorkloadLabels Labels) Pick(FunctionKey key, FunctionResource function)
    {
        var status = function.Status;
        if (!_splits.TryGetValue(key, out var entry) || !ReferenceEquals(entry.Source, status?.Traffic)
            || !string.Equals(entry.FunctionKeyRevision, status?.FunctionKeyRevision, StringComparison.Ordinal)
            || !string.Equals(entry.Starting, Core.Traffic.TrafficResolution.StartingRevision(function, RevisionWorkloads), StringComparison.Ordinal))
        {
            entry = SplitEntry.Build(key, function, RevisionWorkloads, LabelsFor);
            _splits[key] = entry;
        }

        return entry.Split is { } split ? entry.Keys[split.Pick()] : entry.Single;
    }

    /// <summary>
    /// A Function's split, with what it was built from, and the workload key and metric labels of each of its
    /// revisions: the labels come from what the status says each workload runs, never from the key's shape.
    /// </summary>
    private sealed record SplitEntry(
        IList<Core.Api.TrafficTarget>? Source,
        string? FunctionKeyRevision,
        string? Starting,
        Traffic.TrafficSplit? Split,
        (FunctionKey, WorkloadLabels) Single,
        Dictionary<string, (FunctionKey, WorkloadLabels)> Keys)
    {
        public static SplitEntry Build(FunctionKey key, FunctionResource function, bool revisionWorkloads, Func<FunctionKey, FunctionKey, string, WorkloadLabels> labels)
        {
            var status = function.Status;
            var weights = Core.Traffic.TrafficResolution.Weights(status?.Traffic ?? []);
            var keys = weights.ToDictionary(w => w.Key, w => Target(key, status, w.Key, labels), StringComparer.Ordinal);
            var starting = Core.Traffic.TrafficResolution.StartingRevision(function, revisionWorkloads);
            var single = weights.Count > 0 ? keys[weights[0].Key]
                : starting is not null ? Target(key, status, starting, labels)
                : (key, labels(key, key, FunctionKeyRevisionLabel(status)));
            return new SplitEntry(status?.Traffic, status?.FunctionKeyRevision, starting, weights.Count > 1 ? new Traffic.TrafficSplit(weights) : null, single, keys);
        }

        private static (FunctionKey, WorkloadLabels) Target(
            FunctionKey function, Core.Api.FunctionStatus? status, string revision, Func<FunctionKey, FunctionKey, string, WorkloadLabels> labels)
        {
            var workload = Core.Traffic.TrafficResolution.WorkloadKey(function, status, revision);
            return (workload, labels(workload, function, revision));
        }
    }

    /// <summary>
    /// The <c>revision</c> label of the workload keyed by the Function itself: the revision the status says runs there
    /// (Kubernetes' main revision, or an older layout's workload while it is replaced); empty before any is known.
    /// </summary>
    private static string FunctionKeyRevisionLabel(Core.Api.FunctionStatus? status) => status?.FunctionKeyRevision ?? "";

    /// <summary>
    /// The labels of <paramref name="workload"/> when it serves <paramref name="revision"/> of <paramref name="function"/>:
    /// the cached ones when they still say so, else new ones, and the series of the ones they replace are removed
    /// (the workload runs another revision now: the Function's own key on Kubernetes after a promotion).
    /// </summary>
    private WorkloadLabels LabelsFor(FunctionKey workload, FunctionKey function, string revision)
    {
        if (_labels.TryGetValue(workload, out var known) && known.Is(function, revision) && !known.Retired)
        {
            return known;
        }

        lock (_labelsGate)
        {
            if (_labels.TryGetValue(workload, out known) && known.Is(function, revision) && !known.Retired)
            {
                return known;
            }

            var created = new WorkloadLabels(function, revision, _metrics);
            // Its children are exported from now on: the ready count must not read 0 until the endpoints next change.
            created.ReadyInstances.Set(_endpoints.GetReadyEndpoints(workload).Count);
            _labels[workload] = created;
            if (known is not null && !known.Retired)
            {
                RetireLocked(known);
            }

            return created;
        }
    }

    /// <summary>
    /// The labels of any workload whose endpoints changed, also one no request reached yet: the Function keyed by it, or
    /// the Function whose status routes (or is starting) the revision of that name. Null for a workload no Function
    /// names (a revision dropped before this activator started, draining): it gets no series.
    /// </summary>
    internal WorkloadLabels? Resolve(FunctionKey workload)
    {
        if (_labels.TryGetValue(workload, out var known) && !known.Retired)
        {
            return known;
        }

        if (_functions.TryGet(workload, out var own) && own is not null)
        {
            return LabelsFor(workload, workload, FunctionKeyRevisionLabel(own.Status));
        }

        foreach (var function in _functions.List())
        {
            var key = ResourceInformer<FunctionResource>.KeyOf(function);
            if (key.Namespace == workload.Namespace && RevisionOf(key, function, workload) is { } revision)
            {
                return LabelsFor(workload, key, revision);
            }
        }

        return null;
    }

    /// <summary>The revision <paramref name="function"/>'s status runs as <paramref name="workload"/>, or null when none.</summary>
    private string? RevisionOf(FunctionKey key, FunctionResource function, FunctionKey workload)
    {
        if (workload == key)
        {
            return FunctionKeyRevisionLabel(function.Status);
        }

        if (workload.Namespace != key.Namespace)
        {
            return null;
        }

        var status = function.Status;
        if (Core.Traffic.TrafficResolution.OwnWorkloads(status?.Traffic ?? [], status?.FunctionKeyRevision).Contains(workload.Name, StringComparer.Ordinal))
        {
            return workload.Name;
        }

        var starting = Core.Traffic.TrafficResolution.StartingRevision(function, RevisionWorkloads);
        return starting is not null && starting != status?.FunctionKeyRevision && starting == workload.Name ? starting : null;
    }

    /// <summary>
    /// Removes the series of every workload whose revision its Function no longer runs there (dropped from the route,
    /// garbage-collected, or the Function deleted) once nothing is in flight or queued to it and it has no ready
    /// instance: label values stay bounded by what is deployed. The reporter calls it every interval.
    /// </summary>
    /// <returns>How many workloads' labels were retired.</returns>
    internal int RetireUnrouted()
    {
        var retired = 0;
        foreach (var (workload, labels) in _labels)
        {
            if (labels.Retired
                || (_functions.TryGet(labels.Function, out var function) && function is not null
                    && RevisionOf(labels.Function, function, workload) == labels.Revision)
                || ActiveRequests(workload) > 0
                || _endpoints.GetReadyEndpoints(workload).Count > 0)
            {
                continue;
            }

            lock (_labelsGate)
            {
                // Only if no request replaced it meanwhile.
                if (_labels.TryRemove(KeyValuePair.Create(workload, labels)))
                {
                    RetireLocked(labels);
                    retired++;
                }
            }
        }

        return retired;
    }

    /// <summary>Marks <paramref name="labels"/> retired and removes its series, unless another workload carries the same labels.</summary>
    private void RetireLocked(WorkloadLabels labels)
    {
        labels.MarkRetired();
        if (!_labels.Values.Any(other => !other.Retired && other.Is(labels.Function, labels.Revision)))
        {
            _metrics.Remove(labels);
        }
    }

    /// <summary>
    /// Why a tag URL cannot be served, or null when it can: the tag must be in the Function's <c>status.traffic</c>. A
    /// tagged revision without a share runs as a workload of its own at zero, which the request activates.
    /// </summary>
    internal TagProblem? TagProblem(FunctionKey key, string tag)
    {
        if (!_functions.TryGet(key, out var function) || function?.Status?.Traffic is not { Count: > 0 } traffic)
        {
            return new TagProblem(StatusCodes.Status404NotFound, "Tag not found", $"function {key} has no resolved traffic yet");
        }

        if (traffic.FirstOrDefault(t => t.Tag == tag) is not { RevisionName: not null })
        {
            return new TagProblem(StatusCodes.Status404NotFound, "Tag not found", $"function {key} has no traffic tag \"{tag}\"");
        }

        // A revision with a share, or a tagged one without: its own workload, activated from zero by this request if need be.
        return null;
    }

    /// <summary>
    /// For a host route whose name no Function has: the Function and tag it reads as <c>{tag}-{function}</c>, when that
    /// Function has the tag in its <c>status.traffic</c>; else null. Every split at a '-' is tried, shortest tag first.
    /// </summary>
    internal (FunctionKey Function, string Tag)? TryResolveTagHost(FunctionKey key)
    {
        if (key.Name is null || (_functions.TryGet(key, out var exact) && exact is not null))
        {
            return null;
        }

        for (var dash = key.Name.IndexOf('-'); dash > 0; dash = key.Name.IndexOf('-', dash + 1))
        {
            var candidate = new FunctionKey(key.Namespace, key.Name[(dash + 1)..]);
            var tag = key.Name[..dash];
            if (_functions.TryGet(candidate, out var function) && function?.Status?.Traffic?.Any(t => t.Tag == tag) == true)
            {
                return (candidate, tag);
            }
        }

        return null;
    }

    /// <summary>The route of a tag's revision (after <see cref="TagProblem"/> said it is served).</summary>
    internal bool TryGetTagged(FunctionKey key, string tag, [NotNullWhen(true)] out FunctionRoute? route, out TimeSpan timeout)
    {
        if (!_functions.TryGet(key, out var function) || function?.Status?.Traffic is not { } traffic
            || traffic.FirstOrDefault(t => t.Tag == tag)?.RevisionName is not { } revision)
        {
            route = null;
            timeout = default;
            return false;
        }

        timeout = TimeSpan.FromSeconds(function.Spec.TimeoutSeconds ?? 300);
        var workload = Core.Traffic.TrafficResolution.WorkloadKey(key, function.Status, revision);
        route = GetOrAdd(workload, LabelsFor(workload, key, revision));
        route.Throttler.SetContainerConcurrency(function.Spec.Scale?.ContainerConcurrency ?? 0);
        return true;
    }

    /// <summary>Closes every workload's reporting window, with its metric labels; for the <c>ConcurrencyReporter</c>.</summary>
    internal IEnumerable<(FunctionKey Key, WorkloadLabels Labels, StatsWindow Window)> TakeWindows()
    {
        foreach (var (key, route) in _routes)
        {
            yield return (key, route.Labels, route.Throttler.TakeWindow());
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

    private FunctionRoute GetOrAdd(FunctionKey key, WorkloadLabels labels)
    {
        if (_routes.TryGetValue(key, out var existing))
        {
            // A reference comparison per request; a write only when the workload's labels were replaced or retired.
            if (!ReferenceEquals(existing.Labels, labels))
            {
                existing.Labels = labels;
            }

            return existing;
        }

        var throttler = new FunctionThrottler(key, _options, _time);
        throttler.UpdateEndpoints(() => _endpoints.GetReadyEndpoints(key));
        var created = new FunctionRoute(key, throttler, labels, _time);
        var route = _routes.GetOrAdd(key, created);
        if (!ReferenceEquals(route, created))
        {
            throttler.Dispose();
            route.Labels = labels;
            return route;
        }

        // Read once more now that change events can find it: a change between the first read and the add is not lost.
        throttler.UpdateEndpoints(() => _endpoints.GetReadyEndpoints(key));
        return route;
    }

    private void OnEndpointsChanged(FunctionKey key)
    {
        // For every workload, not only those that had a request: a dashboard compares it with the desired count.
        Resolve(key)?.ReadyInstances.Set(_endpoints.GetReadyEndpoints(key).Count);
        if (_routes.TryGetValue(key, out var route))
        {
            route.Throttler.UpdateEndpoints(() => _endpoints.GetReadyEndpoints(key));
        }
    }
}
