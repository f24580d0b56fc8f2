using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Metrics;
using Serverless.Autoscaler.Scaling.Hpa;
using Serverless.Core.Contracts;
using Serverless.Core.Defaulting;
using Serverless.Hosting.Informers;
using FunctionResource = Serverless.Core.Api.Function;

namespace Serverless.Autoscaler.Scaling;

/// <summary>
/// Owns the desired instance count of every function and actuates it through the <see cref="IWorkloadScaler"/>:
/// the KPA (<see cref="KpaScaler"/>) every tick over the activator's samples, an immediate scale-from-zero
/// when a request waits, and the [minScale, maxScale] bounds when a Function's settings change.
/// </summary>
public sealed partial class FunctionScaler : IScaleRequester, IConcurrencySink
{
    private readonly ResourceInformer<FunctionResource> _functions;
    private readonly IWorkloadScaler _workloads;
    private readonly IFunctionActivity _activity;
    private readonly AutoscalerOptions _options;
    private readonly AutoscalerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<FunctionKey, FunctionScaleState> _states = new();
    private readonly ConcurrentDictionary<FunctionKey, byte> _activating = new();
    private readonly ConcurrentDictionary<FunctionKey, byte> _poking = new();

    /// <summary>
    /// Scales from zero asked for before the workload existed (a revision just cut whose Deployment the controller has
    /// not created yet): applied when it appears (<see cref="IWorkloadScaler.StatusChanged"/>, or the next tick).
    /// </summary>
    private readonly ConcurrentDictionary<FunctionKey, byte> _awaitingWorkload = new();

    /// <summary>Per Function, the revisions routed at its last tick (and dropped ones still running): whose route loss makes them unreachable.</summary>
    private readonly ConcurrentDictionary<FunctionKey, string[]> _routed = new();

    public FunctionScaler(
        ResourceInformer<FunctionResource> functions,
        IWorkloadScaler workloads,
        IFunctionActivity activity,
        AutoscalerOptions options,
        AutoscalerMetrics metrics,
        TimeProvider time,
        ILogger<FunctionScaler> logger)
    {
        _functions = functions;
        _workloads = workloads;
        _activity = activity;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _functions.Changed += change =>
        {
            var key = ResourceInformer<FunctionResource>.KeyOf(change.Object);
            if (change.Type == WatchEventType.Deleted)
            {
                _states.TryRemove(key, out _);
                _routed.TryRemove(key, out _);
                _awaitingWorkload.TryRemove(key, out _);
                // Every revision's series: the Function's label is on all of them.
                _metrics.RemoveFunction(key.ToString());
            }
            else
            {
                _ = EnforceBoundsAsync(key, change.Object);
                foreach (var revision in RoutedRevisions(change.Object))
                {
                    // Scale bounds are the Function's and hold for every revision's workload.
                    _ = EnforceBoundsAsync(new FunctionKey(key.Namespace, revision), change.Object);
                }
            }
        };
        _workloads.StatusChanged += key =>
        {
            if (_awaitingWorkload.ContainsKey(key))
            {
                RequestScaleFromZero(key);
            }
        };
    }

    /// <summary>
    /// Whether every revision runs as a workload keyed by its name (the controller's <c>RevisionWorkloads</c>; the local
    /// platform): a Function without a status yet then has the revision it is about to cut, which a first request wakes.
    /// </summary>
    public bool RevisionWorkloads { get; init; }

    /// <summary>Records one activator sample into the function's windows. Never blocks for long.</summary>
    public void Report(ConcurrencySample sample)
    {
        if (!TryGetFunction(sample.Key, out var function))
        {
            return;
        }

        var state = State(sample.Key);
        var value = KpaScaler.ObservedValue(sample, function.Spec.Scale?.Metric ?? ScaleMetricNames.Concurrency);
        lock (state)
        {
            state.Window.Record(sample.Time, value);
        }

        PokeOnOverCapacity(sample.Key, function);
    }

    /// <summary>
    /// Makes <paramref name="combined"/> the function's whole sample for its second: the sum over every activator
    /// that reported that second (<see cref="Ingest.ActivatorReports"/>), which may be given again as more reports
    /// for the second arrive or are replayed.
    /// </summary>
    internal void ReportCombined(ConcurrencySample combined)
    {
        if (!TryGetFunction(combined.Key, out var function))
        {
            return;
        }

        var state = State(combined.Key);
        var value = KpaScaler.ObservedValue(combined, function.Spec.Scale?.Metric ?? ScaleMetricNames.Concurrency);
        lock (state)
        {
            state.Window.Set(combined.Time, value);
        }

        PokeOnOverCapacity(combined.Key, function);
    }

    /// <summary>The function's window averages as of <paramref name="now"/> (what the next tick would see).</summary>
    internal WindowAverages Observed(FunctionKey key, DateTimeOffset now)
    {
        var state = State(key);
        lock (state)
        {
            return state.Window.Averages(now);
        }
    }

    /// <summary>Returns at once; the scale-up runs in the background, and concurrent requests for one function start it once.</summary>
    public void RequestScaleFromZero(FunctionKey key)
    {
        if (_activating.TryAdd(key, 0))
        {
            _ = ActivateAsync(key);
        }
    }

    /// <summary>
    /// Knative's activator "poke": when a report shows more requests active than the ready instances take, the function is
    /// decided now rather than at the next tick, so a spike is met within one report interval. One poke at a time per
    /// function; the decision itself runs under the function's gate like every tick.
    /// </summary>
    private void PokeOnOverCapacity(FunctionKey key, FunctionResource function)
    {
        if (ScaleClassNames.IsHpa(function.Spec.Scale?.Class))
        {
            return; // decided on CPU or memory, not on requests
        }

        var status = _workloads.GetStatus(key);
        if (status is not { DesiredReplicas: > 0 }
            || !KpaScaler.OverCapacity(_activity.ActiveRequests(key), status.ReadyReplicas, Resolve(function))
            || !_poking.TryAdd(key, 0))
        {
            return; // at zero the activation path scales; otherwise the next tick is soon enough
        }

        _ = PokeAsync(key, function);
    }

    private async Task PokeAsync(FunctionKey key, FunctionResource function)
    {
        try
        {
            await Task.Yield(); // off the reporter's thread
            await TickAsync(key, function, RevisionOf(function, key), reachable: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _poking.TryRemove(key, out _);
        }
    }

    /// <summary>Runs the KPA every tick until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.TickInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await TickOnceAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One tick over every function, at the provider's time; <see cref="RunAsync"/> calls it, tests on virtual time too.</summary>
    /// <remarks>
    /// Afterwards the series of every (function, revision) no workload of which was ticked are removed: a revision
    /// dropped from the route whose workload is gone, a deleted Function's; label values stay bounded by what runs.
    /// </remarks>
    internal async Task TickOnceAsync(CancellationToken cancellationToken)
    {
        var live = new HashSet<(string Function, string Revision)>();
        foreach (var function in _functions.List())
        {
            var key = ResourceInformer<FunctionResource>.KeyOf(function);
            var label = key.ToString();
            var own = RevisionOf(function, key);
            if (await TickAsync(key, function, own, reachable: true, cancellationToken).ConfigureAwait(false))
            {
                live.Add((label, own));
            }

            var routed = RoutedRevisions(function);
            foreach (var revision in routed)
            {
                // Every revision its own scaling unit (issue #17), on its own observed load with its Function's settings.
                if (await TickAsync(new FunctionKey(key.Namespace, revision), function, revision, reachable: true, cancellationToken).ConfigureAwait(false))
                {
                    live.Add((label, revision));
                }
            }

            foreach (var revision in await TickUnreachableAsync(key, function, routed, cancellationToken).ConfigureAwait(false))
            {
                live.Add((label, revision));
            }
        }

        _metrics.RemoveAllBut(live);
    }

    /// <summary>
    /// The <c>revision</c> label of the workload <paramref name="key"/> of <paramref name="function"/>: for the Function's
    /// own key, the revision its status says runs there (<see cref="Core.Api.FunctionStatus.FunctionKeyRevision"/>:
    /// Kubernetes' main revision, or an older layout's workload), empty before one is known; for any other key, the
    /// revision of that name, which is how every caller found the key (the Function's routed or dropped revisions).
    /// </summary>
    private static string RevisionOf(FunctionResource function, FunctionKey key) =>
        key == ResourceInformer<FunctionResource>.KeyOf(function) ? function.Status?.FunctionKeyRevision ?? "" : key.Name;

    /// <summary>
    /// Knative's <c>Reachable=false</c> (#18 item 2): a revision the route dropped (a promotion, a rollback, a rollout's
    /// last step) whose workload the controller still keeps for its grace is scaled on, unreachable: to zero as soon as
    /// nothing is in flight or queued to it, instead of holding its count until the controller removes it. A revision
    /// with a 0% tag stays routed (<see cref="RoutedRevisions"/>) and reaches zero after its grace as usual.
    /// </summary>
    /// <returns>The dropped revisions that were ticked (their workloads still run).</returns>
    private async Task<IReadOnlyList<string>> TickUnreachableAsync(FunctionKey function, FunctionResource resource, IReadOnlyList<string> routed, CancellationToken cancellationToken)
    {
        var previous = _routed.GetValueOrDefault(function, []);
        var dropped = previous.Where(name => !routed.Contains(name, StringComparer.Ordinal)).ToList();
        var ticked = new List<string>();
        foreach (var name in dropped)
        {
            var key = new FunctionKey(function.Namespace, name);
            if (_workloads.GetStatus(key) is null)
            {
                continue; // gone: nothing left to scale
            }

            if (await TickAsync(key, resource, name, reachable: false, cancellationToken).ConfigureAwait(false))
            {
                ticked.Add(name);
            }
        }

        // Remember the dropped ones whose workload is still there, so they are ticked until it goes.
        _routed[function] = routed.Concat(dropped.Where(name => _workloads.GetStatus(new FunctionKey(function.Namespace, name)) is not null)).ToArray();
        return ticked;
    }

    /// <summary>
    /// The revisions the route sends to that run as workloads keyed by their own name: every share and every tagged
    /// revision without a share (activated from zero by its tag's URL), except the one its status runs under the
    /// Function's key (an older layout's workload while it is replaced, which the Function's own tick scales).
    /// </summary>
    /// <remarks>
    /// A Function that routes to no revision yet (a first deploy, at zero or not ready) has the revision it is starting,
    /// so that a request arriving first can wake it.
    /// </remarks>
    private IReadOnlyList<string> RoutedRevisions(FunctionResource function)
    {
        var routed = Core.Traffic.TrafficResolution.OwnWorkloads(function.Status?.Traffic ?? [], function.Status?.FunctionKeyRevision);
        if (routed.Count > 0 || (function.Status?.Traffic?.Any(t => t.Percent > 0) ?? false))
        {
            return routed;
        }

        var starting = Core.Traffic.TrafficResolution.StartingRevision(function, RevisionWorkloads);
        return starting is null || starting == function.Status?.FunctionKeyRevision ? routed : [starting];
    }

    /// <summary>
    /// Whether the revision <paramref name="name"/> of <paramref name="function"/> runs as a workload of its own: routed,
    /// or dropped from the route while its workload still runs (a request the activator routed just before it saw the
    /// new split may still wake it).
    /// </summary>
    private bool Runs(FunctionResource function, string name) =>
        RoutedRevisions(function).Contains(name, StringComparer.Ordinal)
        || (_routed.TryGetValue(ResourceInformer<FunctionResource>.KeyOf(function), out var known) && known.Contains(name, StringComparer.Ordinal));

    /// <summary>The Function a scaling key belongs to: its own, or the one whose split runs the revision of that name.</summary>
    private bool TryGetFunction(FunctionKey key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FunctionResource? function)
    {
        if (_functions.TryGet(key, out function) && function is not null)
        {
            return true;
        }

        var dash = key.Name.LastIndexOf('-');
        if (dash > 0 && _functions.TryGet(new FunctionKey(key.Namespace, key.Name[..dash]), out function) && function is not null
            && Runs(function, key.Name))
        {
            return true;
        }

        // A long Function name's revisions are hashed (RevisionNames.Name): find the Function whose split runs it.
        foreach (var candidate in _functions.List())
        {
            if (candidate.Metadata.NamespaceProperty == key.Namespace && Runs(candidate, key.Name))
            {
                function = candidate;
                return true;
            }
        }

        function = null;
        return false;
    }

    /// <param name="revision">The <c>revision</c> label: the revision the workload runs (<see cref="RevisionOf"/>).</param>
    /// <returns>Whether the workload exists (its series are kept).</returns>
    private async Task<bool> TickAsync(FunctionKey key, FunctionResource function, string revision, bool reachable, CancellationToken cancellationToken)
    {
        var status = _workloads.GetStatus(key);
        if (status is null)
        {
            return false; // the controller has not created the workload yet
        }

        if (_awaitingWorkload.ContainsKey(key))
        {
            RequestScaleFromZero(key); // its creation event was missed: the wake-up is not lost, only a tick later
        }

        // The Function, not the workload key: one Function's revisions sum into its series (issue #17's follow-up).
        var labels = new[] { ResourceInformer<FunctionResource>.KeyOf(function).ToString(), revision };

        var state = State(key);
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            status = _workloads.GetStatus(key) ?? status;
            var now = _time.GetUtcNow();
            var scale = Resolve(function);
            if (scale.IsHpa)
            {
                // Not the KPA's: on Kubernetes the cluster's HorizontalPodAutoscaler scales it (no usage source here);
                // locally the same algorithm runs on the instances' cgroups.
                if (_workloads is IInstanceUsageSource usage)
                {
                    await HpaTickAsync(key, labels, scale, status, state, usage.Usage(key), now, cancellationToken).ConfigureAwait(false);
                }

                return true;
            }

            var active = _activity.ActiveRequests(key);
            WindowAverages observed;
            KpaState kpa;
            lock (state)
            {
                observed = state.Window.Averages(now);
                kpa = state.Kpa ?? KpaState.ForStart(now, status.ReadyReplicas);
            }

            if (!reachable)
            {
                // No route sends it new requests: its load is what is in flight or queued to it now, not the windows'
                // past, so it reaches zero as soon as those finish.
                observed = new WindowAverages(active, active, HasData: true);
            }

            var decision = KpaScaler.Decide(new KpaInputs
            {
                Now = now,
                Observed = observed,
                Scale = scale,
                Options = _options,
                WatchedSince = state.WatchedSince,
                ReadyCount = status.ReadyReplicas,
                CurrentDesired = status.DesiredReplicas,
                State = kpa,
                CanScaleToZero = active == 0,
                InstantLoad = active,
                Reachable = reachable,
            });
            lock (state)
            {
                state.Kpa = decision.State;
            }

            var label = key.ToString();
            _metrics.DesiredReplicas.WithLabels(labels).Set(decision.DesiredScale);
            _metrics.Panic.WithLabels(labels).Set(decision.InPanic ? 1 : 0);
            _metrics.ObservedConcurrency.WithLabels(labels).Set(decision.ObservedStable);
            if (decision.DesiredScale == status.DesiredReplicas)
            {
                return true;
            }

            LogDecision(
                _logger,
                label,
                status.DesiredReplicas,
                decision.DesiredScale,
                decision.Reason.ToString(),
                decision.InPanic,
                decision.ObservedStable,
                decision.ObservedPanic,
                status.ReadyReplicas,
                scale.Target * scale.TargetUtilization);
            await _workloads.ScaleAsync(key, decision.DesiredScale, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // One function's failure must not stop the others' ticks.
            LogScaleError(key, e);
            return true;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>
    /// The HPA class in local mode, once per <see cref="AutoscalerOptions.HpaSyncPeriod"/>: each instance's CPU over
    /// the period (from its cumulative CPU seconds) or its memory now, through <see cref="HpaScaler"/>. Runs under
    /// the function's gate.
    /// </summary>
    private async Task HpaTickAsync(
        FunctionKey key, string[] labels, EffectiveScale scale, WorkloadStatus status, FunctionScaleState state, IReadOnlyList<InstanceUsage> usage, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (state.HpaDecidedAt is { } last && now - last < _options.HpaSyncPeriod)
        {
            return;
        }

        var elapsed = state.HpaDecidedAt is { } previous ? (now - previous).TotalSeconds : 0;
        var cpu = scale.Metric == ScaleMetricNames.Cpu;
        var instances = new List<HpaInstanceUsage>(usage.Count);
        foreach (var instance in usage)
        {
            double? value = null;
            if (cpu && instance.CpuSeconds is { } seconds)
            {
                // A rate needs two readings a period apart: a new instance has none yet (unmeasured, as in Kubernetes).
                if (elapsed > 0 && state.CpuSeconds.TryGetValue(instance.InstanceId, out var before) && seconds >= before)
                {
                    value = (seconds - before) / elapsed * 1000;
                }

                state.CpuSeconds[instance.InstanceId] = seconds;
            }
            else if (!cpu && instance.MemoryBytes is { } bytes)
            {
                value = bytes / (1024.0 * 1024.0);
            }

            instances.Add(new HpaInstanceUsage(instance.Ready, value, instance.CpuRequestMillicores));
        }

        foreach (var gone in state.CpuSeconds.Keys.Where(id => !usage.Any(u => u.InstanceId == id)).ToList())
        {
            state.CpuSeconds.Remove(gone);
        }

        var decision = HpaScaler.Decide(new HpaInputs
        {
            Now = now,
            CurrentReplicas = status.DesiredReplicas,
            Instances = instances,
            Target = scale.Target,
            Utilization = cpu,
            MinReplicas = scale.MinScale,
            MaxReplicas = scale.MaxScale,
            Behavior = HpaBehavior.WithScaleDownStabilization(_options.HpaDownscaleStabilization),
            State = state.Hpa,
        });
        state.Hpa = decision.State;
        state.HpaDecidedAt = now;
        _metrics.DesiredReplicas.WithLabels(labels).Set(decision.DesiredReplicas);
        if (decision.DesiredReplicas == status.DesiredReplicas)
        {
            return;
        }

        LogHpaDecision(_logger, key.ToString(), status.DesiredReplicas, decision.DesiredReplicas, scale.Metric, decision.UsageRatio, decision.Recommendation);
        await _workloads.ScaleAsync(key, decision.DesiredReplicas, cancellationToken).ConfigureAwait(false);
    }

    /// <remarks>
    /// A workload that does not exist yet (a revision just cut, its Deployment not created yet, or not in the cache
    /// yet) is not an error, and the wake-up is not dropped: it waits in <see cref="_awaitingWorkload"/> and is
    /// applied when the workload appears at zero (the controller creates it at its initial scale, which may be 0).
    /// </remarks>
    private async Task ActivateAsync(FunctionKey key)
    {
        var state = State(key);
        await state.Gate.WaitAsync().ConfigureAwait(false);
        var awaiting = false;
        var absent = false;
        try
        {
            if (!TryGetFunction(key, out var function))
            {
                return;
            }

            // Under the gate: a scale to zero that was deciding when this request arrived has finished,
            // so a desired count of 0 here really means nothing will serve the request.
            var status = _workloads.GetStatus(key);
            if (status is null)
            {
                (awaiting, absent) = (true, true);
                LogActivationAwaitsWorkload(_logger, key.ToString());
                return;
            }

            if (status is { DesiredReplicas: > 0 })
            {
                return;
            }

            var replicas = ScaleBounds.ForActivation(Resolve(function));
            lock (state)
            {
                state.Kpa = KpaState.Initial; // a fresh start: the zero countdown begins again
            }

            LogActivating(_logger, key.ToString(), replicas);
            await _workloads.ScaleAsync(key, replicas).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Missing from the API server though the cache had it: applied at the workload's next event.
            awaiting = LogScaleError(key, e);
        }
        finally
        {
            if (awaiting)
            {
                _awaitingWorkload.TryAdd(key, 0);
            }
            else
            {
                _awaitingWorkload.TryRemove(key, out _);
            }

            state.Gate.Release();
            _activating.TryRemove(key, out _);
        }

        // The workload may have appeared after its absence was read and before it was recorded (its event then found
        // nothing awaiting it, or this activation still running): look once more.
        if (absent && _workloads.GetStatus(key) is not null)
        {
            RequestScaleFromZero(key);
        }
    }

    private async Task EnforceBoundsAsync(FunctionKey key, FunctionResource function)
    {
        var state = State(key);
        await state.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var status = _workloads.GetStatus(key);
            if (status is null)
            {
                return; // not created yet: the controller creates it at the right count
            }

            var wanted = Resolve(function).Clamp(status.DesiredReplicas);
            if (wanted != status.DesiredReplicas)
            {
                LogRescaled(_logger, key.ToString(), status.DesiredReplicas, wanted);
                await _workloads.ScaleAsync(key, wanted).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            LogScaleError(key, e);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>
    /// Logs a failed scale: an error, except a workload the API server does not have (deleted, or replaced under its
    /// name, while the cache still had it), which the next event or tick settles.
    /// </summary>
    /// <returns>Whether the workload was missing.</returns>
    private bool LogScaleError(FunctionKey key, Exception e)
    {
        if (e is StoreException { Kind: StoreErrorKind.NotFound })
        {
            LogScaleTargetMissing(_logger, key.ToString(), e.Message);
            return true;
        }

        LogScaleFailed(_logger, key.ToString(), e);
        return false;
    }

    private EffectiveScale Resolve(FunctionResource function) =>
        EffectiveScale.Resolve(function.Spec.Scale, _options.ToScaleDefaults(function.Spec.Scale?.Metric ?? ScaleMetricNames.Concurrency));

    private FunctionScaleState State(FunctionKey key) =>
        _states.GetOrAdd(key, _ => new FunctionScaleState(new MetricWindow(_options.StableWindow, _options.PanicWindow), _time.GetUtcNow()));

    [LoggerMessage(
        EventId = AutoscalerEventIds.HpaDecision,
        Level = LogLevel.Information,
        Message = "Scaling {Function} from {From} to {To} (HPA class, metric {Metric}): usage ÷ target {Ratio:0.##}, recommendation {Recommendation}")]
    private static partial void LogHpaDecision(ILogger logger, string function, int from, int to, string metric, double ratio, int recommendation);

    [LoggerMessage(EventId = AutoscalerEventIds.Activating, Level = LogLevel.Information, Message = "Scaling {Function} from zero to {Replicas}")]
    private static partial void LogActivating(ILogger logger, string function, int replicas);

    [LoggerMessage(
        EventId = AutoscalerEventIds.ActivationAwaitsWorkload,
        Level = LogLevel.Information,
        Message = "Scale from zero of {Function} waits for its workload, which the controller has not created yet: applied when it appears")]
    private static partial void LogActivationAwaitsWorkload(ILogger logger, string function);

    [LoggerMessage(EventId = AutoscalerEventIds.ScaleTargetMissing, Level = LogLevel.Debug, Message = "Scaling {Function}: its workload is gone from the API server ({Detail}); scaled again once it exists")]
    private static partial void LogScaleTargetMissing(ILogger logger, string function, string detail);

    [LoggerMessage(EventId = AutoscalerEventIds.Rescaled, Level = LogLevel.Information, Message = "Scaling {Function} from {From} to {To} to respect its scale bounds")]
    private static partial void LogRescaled(ILogger logger, string function, int from, int to);

    [LoggerMessage(EventId = AutoscalerEventIds.ScaleFailed, Level = LogLevel.Error, Message = "Scaling {Function} failed")]
    private static partial void LogScaleFailed(ILogger logger, string function, Exception exception);

    [LoggerMessage(
        EventId = AutoscalerEventIds.Decision,
        Level = LogLevel.Information,
        Message = "Scaling {Function} from {From} to {To} ({Reason}, panic {Panic}): stable {Stable:0.##}, panic-window {PanicAverage:0.##}, ready {Ready}, per-instance target {Target:0.##}")]
    private static partial void LogDecision(
        ILogger logger, string function, int from, int to, string reason, bool panic, double stable, double panicAverage, int ready, double target);
}
