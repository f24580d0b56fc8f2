using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Serverless.Controller.Metrics;
using Serverless.Controller.Reconcilers.Function.Resources;
using Serverless.Controller.Reconcilers.Function.Revisions;
using Serverless.Core.Contracts;
using Serverless.Core.Defaulting;
using Serverless.Core.Serialization;
using Serverless.Core.Validation;
using Serverless.Core.Workloads;
using Serverless.Hosting.Informers;
using FunctionResource = Serverless.Core.Api.Function;

namespace Serverless.Controller.Reconcilers.Function;

/// <summary>
/// Level-based and idempotent: reads the desired Function from the cache, makes the workload manager run it,
/// and writes the observed status. Running it twice in a row changes nothing the second time.
/// </summary>
/// <remarks>
/// Every outcome reaches the status: when the workload manager fails (an object it may not touch, an API error),
/// the pass writes Ready False with the reason (<c>NotOwned</c>, else <c>ReconcileFailed</c>) and the error's message,
/// records a Warning Event, and returns <see cref="ReconcileResult.Error"/> so the queue retries with backoff.
/// </remarks>
internal sealed partial class FunctionReconciler
{
    private readonly ResourceInformer<FunctionResource> _functions;
    private readonly IResourceStore<FunctionResource> _store;
    private readonly IWorkloadManager _workloads;
    private readonly ControllerOptions _options;
    private readonly ControllerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IEventRecorder _events;
    private readonly RevisionSync? _revisions;

    // The Functions as this controller last wrote their status, until the informer brings that write: a pass that
    // follows at once (started by a Revision's event) starts from it instead of a stale copy, which would have written
    // the same status again (or met a conflict).
    private readonly WrittenObjects<FunctionResource> _written;

    public FunctionReconciler(
        ResourceInformer<FunctionResource> functions,
        IResourceStore<FunctionResource> store,
        IWorkloadManager workloads,
        ControllerOptions options,
        ControllerMetrics metrics,
        TimeProvider time,
        ILogger logger,
        IEventRecorder? events = null,
        IResourceStore<Core.Api.Revision>? revisions = null)
    {
        _revisions = revisions is null ? null : new RevisionSync(revisions, options.RevisionRetention);
        _events = events ?? NoEventRecorder.Instance;
        _functions = functions;
        _written = new WrittenObjects<FunctionResource>(functions);
        _store = store;
        _workloads = workloads;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Set by the controller: reconcile a key again after a delay (the next step of a gradual rollout).</summary>
    public Action<FunctionKey, TimeSpan>? RequeueAfter { get; set; }

    public async Task<ReconcileResult> ReconcileAsync(FunctionKey key, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var result = ReconcileResult.Error;
        try
        {
            result = await ReconcileCoreAsync(key, cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _metrics.ReconcileTotal.WithLabels("Function", result.ToString().ToLowerInvariant()).Inc();
            _metrics.ReconcileDuration.WithLabels("Function").Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<ReconcileResult> ReconcileCoreAsync(FunctionKey key, CancellationToken cancellationToken)
    {
        if (_written.Get(key) is not { } cached)
        {
            await _workloads.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            if (_revisions is not null)
            {
                foreach (var revision in await _revisions.ListAsync(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false))
                {
                    await DeleteRevisionWorkloadAsync(key.Namespace, revision.Metadata.Name, cancellationToken).ConfigureAwait(false);
                }

                await _revisions.DeleteAllAsync(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false);
            }

            LogRemoved(_logger, key.ToString());
            return ReconcileResult.Success;
        }

        // The cache is shared with other readers: work on a copy.
        var function = ResourceJson.Clone(cached);
        var now = _time.GetUtcNow().UtcDateTime;
        var errors = FunctionValidator.Validate(function, _options.ScaleLimits);
        if (errors.Count > 0)
        {
            // Admission validates too; this catches data written by an older version or straight into the store.
            var message = string.Join("; ", errors);
            LogInvalid(_logger, key.ToString(), message);
            await _workloads.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            if (_revisions is not null && _options.RevisionWorkloads)
            {
                // The main revision runs keyed by its name too: an invalid Function serves nothing, as before.
                foreach (var revision in await _revisions.ListAsync(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false))
                {
                    await DeleteRevisionWorkloadAsync(key.Namespace, revision.Metadata.Name, cancellationToken).ConfigureAwait(false);
                }
            }

            var invalid = FunctionStatusBuilder.Invalid(function, message, now);
            if (!SameStatus(function, invalid))
            {
                // Once per change of the spec, not at every resync: the status holds it meanwhile.
                _events.Record(cached, EventTypes.Warning, "InvalidSpec", message);
            }

            return await WriteStatusAsync(function, invalid, cancellationToken).ConfigureAwait(false);
        }

        var workload = WorkloadSpecBuilder.Build(function);
        var view = new WorkloadSnapshot(_workloads);
        Dictionary<string, Core.Api.RevisionStatus?> stored = [];
        // The workload each revision was seen running in when the pass planned (its own, or the Function-keyed one):
        // the statuses written at the end say what the plan was made from, even where the pass then replaced that workload.
        Dictionary<string, WorkloadStatus> seen = new(StringComparer.Ordinal);
        List<Core.Api.Revision>? revisions = null;
        RoutePlan? plan = null;
        string? functionKeyRevision = null;
        Dictionary<string, k8s.Models.V1Condition?> activeBefore = [];
        if (_revisions is not null)
        {
            // Cut a Revision when what runs changed, then let the traffic decide which revision the workload runs.
            revisions = await _revisions.ListAsync(key.Namespace, key.Name, cancellationToken).ConfigureAwait(false);
            var latest = await _revisions.EnsureLatestAsync(function, workload.Revision, revisions, cancellationToken).ConfigureAwait(false);
            // The statuses as stored: the plan below reads each revision's readiness as its workload shows it now, and
            // the statuses written at the end are built over (and compared with) what is stored, so that a condition
            // keeps its lastTransitionTime and an unchanged revision costs no write.
            stored = revisions.ToDictionary(r => r.Metadata.Name, r => r.Status, StringComparer.Ordinal);
            // Whether each revision was routed, as stored before this pass rebuilds statuses: a revision losing its share keeps its workload a while.
            activeBefore = revisions.ToDictionary(
                r => r.Metadata.Name,
                r => r.Status?.Conditions?.FirstOrDefault(c => c.Type == RevisionStatusBuilder.Active),
                StringComparer.Ordinal);
            // The Function-keyed workload: the main revision's before issue #17's layout (or with it turned off).
            var functionKeyed = view.Get(key);
            var running = Running(revisions, functionKeyed, function.Status?.LatestRevision);
            var runningUnderFunction = running is not null && (functionKeyed is not null || !_options.RevisionWorkloads);
            if (runningUnderFunction)
            {
                // The readiness the workload shows now, before choosing: a revision turning ready or failing moves the route.
                running!.Status = RevisionStatusBuilder.Build(running, functionKeyed, 0, false, now);
                if (functionKeyed is not null)
                {
                    seen[running.Metadata.Name] = functionKeyed;
                }
            }

            foreach (var revision in revisions)
            {
                // A revision running as a workload of its own: its readiness as that workload shows it.
                if (!(runningUnderFunction && ReferenceEquals(revision, running)) && view.Get(new FunctionKey(key.Namespace, revision.Metadata.Name)) is { } own
                    && own.Revision == revision.Spec.ContentHash)
                {
                    revision.Status = RevisionStatusBuilder.Build(revision, own, 0, false, now);
                    seen[revision.Metadata.Name] = own;
                }
            }

            var mainStatus = view.Get(key);
            var rollout = new RolloutInput(
                Core.Traffic.RolloutDuration.Of(function, _options.RolloutDuration),
                now,
                name => revisions.FirstOrDefault(r => r.Metadata.Name == name) is { } revision
                    && (mainStatus?.Revision == revision.Spec.ContentHash ? mainStatus : view.Get(new FunctionKey(key.Namespace, name))) is { Failure: null } own
                    && own.Revision == revision.Spec.ContentHash && own.ReadyReplicas >= Math.Max(1, own.DesiredReplicas));
            plan = RoutePlanner.Plan(function, revisions, latest, running, tag => _options.TagUrl(key, tag), rollout);
            if (plan.RequeueAfter is { } after)
            {
                RequeueAfter?.Invoke(key, after);
            }

            if (plan.Run.Spec.ContentHash != workload.Revision)
            {
                workload = WorkloadSpecBuilder.Build(RevisionBuilder.AsFunction(function, plan.Run));
            }

            workload = workload with { RevisionName = plan.Run.Metadata.Name };
            var main = plan.Run.Metadata.Name;
            var underFunction = !_options.RevisionWorkloads || (_functions.TryGet(new FunctionKey(key.Namespace, main), out var other) && other is not null);
            functionKeyRevision = underFunction ? main : OlderLayoutRevision(key, plan, revisions, view);
            if (!underFunction)
            {
                // Every revision its own workload (issue #17): the main one too, keyed by its name, so that a promotion
                // finds the canary's instances serving and only moves weights.
                workload = workload with { Key = new FunctionKey(key.Namespace, plan.Run.Metadata.Name), Function = key.Name };
            }
        }

        var scale = EffectiveScale.Resolve(function.Spec.Scale, _options.ScaleDefaults);

        // A revision this Function already ran (recorded in its durable status) is a platform
        // restart: come back at minScale. A new revision rolls out at initialScale.
        var isNewRevision = function.Status?.LatestRevision != workload.Revision
            // A revision's own workload that does not exist yet and never proved ready is new too: the status may have
            // recorded the revision in a pass whose workload could not be made yet (on Kubernetes, the Revision's
            // Deployment waits for the Revision to reach the cache), and it would otherwise start at minScale (0).
            || (plan is not null && workload.Key != key && view.Get(workload.Key) is null
                && RevisionStatusBuilder.Readiness(plan.Run.Status) != Core.Traffic.RevisionReadiness.Ready);
        var replicas = isNewRevision ? scale.InitialScale : scale.MinScale;
        if (workload.Key != key && view.Get(key) is { } older)
        {
            // Replacing an older layout's workload: start as many as it runs, so the switch finds them warm.
            replicas = Math.Max(replicas, older.DesiredReplicas);
        }

        try
        {
            await _workloads.EnsureAsync(workload, replicas, cancellationToken).ConfigureAwait(false);
            view.Ensured(workload.Key);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = e is WorkloadNotOwnedException ? "NotOwned" : "ReconcileFailed";
            if (e is WorkloadNotOwnedException)
            {
                // Expected, and retried with backoff until the object goes: the message says it all.
                LogNotOwned(_logger, key.ToString(), e.Message);
            }
            else
            {
                LogFailed(_logger, key.ToString(), e);
            }

            _events.Record(cached, EventTypes.Warning, reason, e.Message);
            var failed = FunctionStatusBuilder.Failed(function, reason, e.Message, view.Get(workload.Key), _options.FunctionUrl(key), now);
            await WriteStatusAsync(function, failed, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Error;
        }

        // While an older layout's workload still serves the main revision, the Function shows that one.
        (int Replicas, int Ready)? instances = null;
        var observed = view.Get(functionKeyRevision is not null && functionKeyRevision == workload.RevisionName ? key : workload.Key);
        if (_revisions is not null && revisions is not null && plan is not null)
        {
            if (functionKeyRevision is null && function.Status?.FunctionKeyRevision is null && workload.Key != key && view.Get(key) is not null)
            {
                // The older layout's workload is no longer routed to: the stored status (which the activator reads) has
                // said so since the previous pass. Its instances drain, in-flight requests finishing first.
                await _workloads.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                LogFunctionKeyDrained(_logger, key.ToString());
            }

            var retiring = await EnsureSecondariesAsync(function, revisions, plan, workload.Key != key ? plan.Run.Metadata.Name : null, scale.InitialScale, activeBefore, scale.ScaleToZeroGracePeriod, view, now, cancellationToken).ConfigureAwait(false);
            if (retiring is { } after)
            {
                RequeueAfter?.Invoke(key, after);
            }

            instances = await WriteRevisionsAsync(revisions, stored, seen, plan, observed, view, now, cancellationToken).ConfigureAwait(false);
        }

        var status = FunctionStatusBuilder.Build(function, workload.Revision, observed, _options.FunctionUrl(key), now, plan, instances);
        status.FunctionKeyRevision = functionKeyRevision;
        return await WriteStatusAsync(function, status, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// While a workload of the older layout (keyed by the Function) still runs a routed revision, that revision, until
    /// its own workload has a ready instance (or the older one is at zero): the activator keeps sending its share to
    /// the older workload, so a platform upgraded under traffic never routes to a workload that cannot serve yet.
    /// Null otherwise.
    /// </summary>
    private static string? OlderLayoutRevision(FunctionKey key, RoutePlan plan, List<Core.Api.Revision> revisions, WorkloadSnapshot view)
    {
        if (view.Get(key) is not { } older || Running(revisions, older, null) is not { } legacy)
        {
            return null;
        }

        var routed = (plan.Traffic ?? []).Any(t => t.RevisionName == legacy.Metadata.Name && (t.Percent > 0 || t.Tag is not null));
        var own = view.Get(new FunctionKey(key.Namespace, legacy.Metadata.Name));
        var ownServes = own is { ReadyReplicas: > 0, Failure: null } && own.Revision == legacy.Spec.ContentHash;
        return routed && !ownServes && older.DesiredReplicas > 0 ? legacy.Metadata.Name : null;
    }

    /// <summary>The revision the workload runs: the newest with the hash it reports (a spec put back makes a newer twin).</summary>
    private static Core.Api.Revision? Running(List<Core.Api.Revision> revisions, WorkloadStatus? workload, string? lastRun)
    {
        var hash = workload?.Revision ?? lastRun;
        return hash is null ? null : revisions.LastOrDefault(r => r.Spec.ContentHash == hash);
    }

    /// <summary>
    /// Runs every other revision of the split as a workload keyed by its name, and removes the workloads of revisions the
    /// split no longer needs. A revision whose name another Function has is not run (their workloads would share a key).
    /// </summary>
    /// <remarks>
    /// A revision that loses its share keeps its workload for its scale-to-zero grace period: the activator may have
    /// picked it for requests before it saw the new split (a rollout's last step, a promotion), and those must still be
    /// served rather than wait on a workload that is gone. Returns when the next of them is due to go, or null.
    /// </remarks>
    private async Task<TimeSpan?> EnsureSecondariesAsync(
        Core.Api.Function function,
        List<Core.Api.Revision> revisions,
        RoutePlan plan,
        string? ownMain,
        int initialScale,
        Dictionary<string, k8s.Models.V1Condition?> activeBefore,
        TimeSpan grace,
        WorkloadSnapshot view,
        DateTime now,
        CancellationToken cancellationToken)
    {
        var ns = function.Metadata.NamespaceProperty;
        var running = new HashSet<string>(StringComparer.Ordinal);
        if (ownMain is not null)
        {
            running.Add(ownMain); // the main revision's own workload, ensured by the pass
        }

        foreach (var revision in plan.Secondaries)
        {
            var revisionKey = new FunctionKey(ns, revision.Metadata.Name);
            if (_functions.TryGet(revisionKey, out var other) && other is not null)
            {
                continue;
            }

            var spec = WorkloadSpecBuilder.Build(RevisionBuilder.AsFunction(function, revision)) with { Key = revisionKey, Function = function.Metadata.Name, RevisionName = revision.Metadata.Name };
            await _workloads.EnsureAsync(spec, initialScale, cancellationToken).ConfigureAwait(false);
            view.Ensured(revisionKey);
            running.Add(revision.Metadata.Name);
        }

        foreach (var revision in plan.TagOnly)
        {
            var revisionKey = new FunctionKey(ns, revision.Metadata.Name);
            if (_functions.TryGet(revisionKey, out var other) && other is not null)
            {
                continue;
            }

            // At zero once it proved ready (a request to its tag activates it); a revision not yet ready starts to prove it.
            var replicas = RevisionStatusBuilder.Readiness(revision.Status) == Core.Traffic.RevisionReadiness.Ready ? 0 : initialScale;
            var spec = WorkloadSpecBuilder.Build(RevisionBuilder.AsFunction(function, revision)) with { Key = revisionKey, Function = function.Metadata.Name, RevisionName = revision.Metadata.Name };
            await _workloads.EnsureAsync(spec, replicas, cancellationToken).ConfigureAwait(false);
            view.Ensured(revisionKey);
            running.Add(revision.Metadata.Name);
        }

        TimeSpan? next = null;
        foreach (var revision in revisions)
        {
            var name = revision.Metadata.Name;
            if (running.Contains(name) || view.Get(new FunctionKey(ns, name)) is null)
            {
                continue;
            }

            // A failed revision serves nothing: its workload goes at once.
            var active = activeBefore.GetValueOrDefault(name);
            var left = RevisionStatusBuilder.Readiness(revision.Status) == Core.Traffic.RevisionReadiness.Failed ? TimeSpan.Zero
                : active?.Status == Core.Api.ConditionStatus.True ? grace
                : active?.LastTransitionTime is { } since ? since + grace - now
                : TimeSpan.Zero;
            if (left > TimeSpan.Zero)
            {
                next = next is { } soonest && soonest < left ? soonest : left;
                continue;
            }

            await DeleteRevisionWorkloadAsync(ns, name, cancellationToken).ConfigureAwait(false);
        }

        return next;
    }

    private async Task DeleteRevisionWorkloadAsync(string ns, string revision, CancellationToken cancellationToken)
    {
        var revisionKey = new FunctionKey(ns, revision);
        if (!(_functions.TryGet(revisionKey, out var other) && other is not null))
        {
            await _workloads.DeleteAsync(revisionKey, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <returns>The instances of all the revisions together (their statuses' replicas and ready replicas summed).</returns>
    private async Task<(int Replicas, int Ready)> WriteRevisionsAsync(
        List<Core.Api.Revision> revisions,
        Dictionary<string, Core.Api.RevisionStatus?> stored,
        Dictionary<string, WorkloadStatus> seen,
        RoutePlan plan,
        WorkloadStatus? observed,
        WorkloadSnapshot view,
        DateTime now,
        CancellationToken cancellationToken)
    {
        var weights = plan.Traffic is { } traffic ? Core.Traffic.TrafficResolution.Weights(traffic).ToDictionary(w => w.Key, w => w.Value, StringComparer.Ordinal) : [];
        var tagged = (plan.Traffic ?? []).Where(t => t.Tag is not null && t.RevisionName is not null).Select(t => t.RevisionName!).ToHashSet(StringComparer.Ordinal);
        var (totalReplicas, totalReady) = (0, 0);
        foreach (var revision in revisions)
        {
            var name = revision.Metadata.Name;
            var runs = ReferenceEquals(revision, plan.Run) && observed?.Revision == revision.Spec.ContentHash;
            // Every revision that has a workload of its own shows that one's replicas: the main one, a split's other
            // share, a tag, and one kept for its grace after it lost its share.
            var own = runs ? observed : seen.GetValueOrDefault(name) ?? OwnWorkload(revision, view);
            revision.Status = stored.GetValueOrDefault(name);
            var status = RevisionStatusBuilder.Build(revision, own, weights.GetValueOrDefault(name), tagged.Contains(name), now);
            await _revisions!.WriteStatusAsync(revision, status, cancellationToken).ConfigureAwait(false);
            totalReplicas += status.Replicas ?? 0;
            totalReady += status.ReadyReplicas ?? 0;
        }

        var active = new HashSet<string>(weights.Keys.Concat(tagged).Concat(plan.Secondaries.Select(r => r.Metadata.Name)), StringComparer.Ordinal) { plan.LatestCreated, plan.Run.Metadata.Name };
        if (plan.LatestReady is { } ready)
        {
            active.Add(ready);
        }

        // A revision whose own workload still runs (retiring after it lost its share) is not collected under it.
        active.UnionWith(revisions
            .Where(r => view.Get(new FunctionKey(r.Metadata.NamespaceProperty, r.Metadata.Name)) is not null)
            .Select(r => r.Metadata.Name));

        foreach (var name in await _revisions!.CollectAsync(revisions, active, now, cancellationToken).ConfigureAwait(false))
        {
            LogRevisionCollected(_logger, name);
        }

        return (totalReplicas, totalReady);
    }

    /// <summary>The workload keyed by the revision's name when it runs that revision (not another Function's of that name).</summary>
    private WorkloadStatus? OwnWorkload(Core.Api.Revision revision, WorkloadSnapshot view)
    {
        var key = new FunctionKey(revision.Metadata.NamespaceProperty, revision.Metadata.Name);
        return !(_functions.TryGet(key, out var other) && other is not null) && view.Get(key) is { } own && own.Revision == revision.Spec.ContentHash
            ? own
            : null;
    }

    private static bool SameStatus(FunctionResource function, Core.Api.FunctionStatus status) =>
        function.Status is not null && ResourceJson.Serialize(function.Status) == ResourceJson.Serialize(status);

    private async Task<ReconcileResult> WriteStatusAsync(FunctionResource function, Core.Api.FunctionStatus status, CancellationToken cancellationToken)
    {
        if (SameStatus(function, status))
        {
            return ReconcileResult.Success;
        }

        function.Status = status;
        try
        {
            _written.Remember(await _store.ReplaceStatusAsync(function, cancellationToken).ConfigureAwait(false));
            return ReconcileResult.Success;
        }
        catch (StoreException e) when (e.Kind is StoreErrorKind.Conflict or StoreErrorKind.NotFound)
        {
            // A newer version (or the deletion) is on its way through the informer; it triggers another pass.
            return ReconcileResult.Conflict;
        }
    }

    [LoggerMessage(EventId = ControllerEventIds.FunctionRemoved, Level = LogLevel.Information, Message = "Function {Function} is gone; its workload was removed")]
    private static partial void LogRemoved(ILogger logger, string function);

    [LoggerMessage(EventId = ControllerEventIds.FunctionInvalid, Level = LogLevel.Warning, Message = "Function {Function} has an invalid spec: {Errors}")]
    private static partial void LogInvalid(ILogger logger, string function, string errors);

    [LoggerMessage(EventId = ControllerEventIds.FunctionFailed, Level = LogLevel.Warning, Message = "Function {Function}: the workload could not be written; the status says so and the pass is retried with backoff")]
    private static partial void LogFailed(ILogger logger, string function, Exception error);

    [LoggerMessage(EventId = ControllerEventIds.RevisionCollected, Level = LogLevel.Information, Message = "Revision {Revision} had no traffic and was past retention: deleted")]
    private static partial void LogRevisionCollected(ILogger logger, string revision);

    [LoggerMessage(EventId = ControllerEventIds.FunctionKeyDrained, Level = LogLevel.Information, Message = "Function {Function}: its revisions serve from workloads of their own; the Function-keyed workload of the older layout drains")]
    private static partial void LogFunctionKeyDrained(ILogger logger, string function);

    [LoggerMessage(EventId = ControllerEventIds.FunctionNotOwned, Level = LogLevel.Warning, Message = "Function {Function}: {Message}")]
    private static partial void LogNotOwned(ILogger logger, string function, string message);
}
