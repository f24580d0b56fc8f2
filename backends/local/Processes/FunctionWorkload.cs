using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Serverless.Backends.Local.Cgroups;
using Serverless.Core.Contracts;
using Serverless.Hosting.Processes;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// The instances of one function and the loop that keeps them matching the wanted revision and count.
/// </summary>
/// <remarks>
/// Thread-safety: every change (a caller's ensure/scale/delete, an instance turning ready or exiting, a restart
/// timer) runs under one async lock, then plans with <see cref="WorkloadPlanner"/> and applies the plan. Events are
/// raised and SIGTERMs sent after the lock is released, endpoints first, so an instance leaves the ready set
/// before it is asked to stop. Readers (<see cref="Endpoints"/>, <see cref="Status"/>) get immutable snapshots
/// swapped atomically and never lock.
/// </remarks>
internal sealed class FunctionWorkload
{
    /// <summary>How soon a workload held back by max-instances tries again.</summary>
    private static readonly TimeSpan InstanceCapRetry = TimeSpan.FromSeconds(1);

    /// <summary>When a scale-up whose caller gave up goes on (see <see cref="ReconcileLockedAsync"/>).</summary>
    private static readonly TimeSpan ResumeAfterCancel = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a failed specialization waits for the killed instance's exit, to tell an OOM kill apart.</summary>
    private static readonly TimeSpan SpecializationExitWait = TimeSpan.FromSeconds(3);

    private readonly LocalBackendContext _context;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<LocalInstance> _instances = [];
    private readonly List<LocalInstance> _pendingDrains = [];
    private readonly ITimer _restartTimer;
    private WorkloadSpec? _spec;
    private int _desired;
    private RestartBackoff _backoff;
    private WorkloadFailure? _failure;
    private bool _stopped;

    /// <summary>
    /// Set by <see cref="StopAsync"/> before it waits for the lock: a scale-up holding the lock checks it before each
    /// start, so a delete waits for one start at most, not for all of them.
    /// </summary>
    private volatile bool _stopRequested;
    private volatile IReadOnlyList<InstanceEndpoint> _endpoints = ImmutableArray<InstanceEndpoint>.Empty;
    private volatile IReadOnlyList<LocalInstanceInfo> _instanceInfos = ImmutableArray<LocalInstanceInfo>.Empty;
    private volatile IReadOnlyList<LocalInstance> _live = ImmutableArray<LocalInstance>.Empty;
    private volatile WorkloadStatus? _status;

    public FunctionWorkload(FunctionKey key, LocalBackendContext context)
    {
        Key = key;
        _context = context;
        _backoff = NewBackoff();
        _restartTimer = context.Time.CreateTimer(
            _ => context.RunBackground(key, () => MutateAsync(() => true, CancellationToken.None)),
            null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
    }

    public FunctionKey Key { get; }

    public IReadOnlyList<InstanceEndpoint> Endpoints => _endpoints;

    public IReadOnlyList<LocalInstanceInfo> Instances => _instanceInfos;

    /// <summary>The CPU and memory of every instance that is not draining, read now (outside the workload's lock).</summary>
    public IReadOnlyList<InstanceUsage> Usage() =>
        [.. _live.Where(i => i.State is LocalInstanceState.Starting or LocalInstanceState.Ready or LocalInstanceState.NotReady).Select(i => i.ReadUsage())];

    /// <summary>Null until the first <see cref="EnsureAsync"/> completed.</summary>
    public WorkloadStatus? Status => _status;

    /// <summary>False when the workload was stopped (deleted) meanwhile: the caller makes a new one.</summary>
    public Task<bool> EnsureAsync(WorkloadSpec newSpec, int replicasIfCreated, CancellationToken cancellationToken) =>
        MutateAsync(
            () =>
            {
                if (_stopped)
                {
                    return false;
                }

                if (_spec is null)
                {
                    _desired = replicasIfCreated;
                }

                if (_spec is null || _spec.Revision != newSpec.Revision)
                {
                    // A new revision is a new program: its failures start from zero.
                    _backoff = NewBackoff();
                    _failure = null;
                }

                _spec = newSpec;
                return true;
            },
            cancellationToken);

    /// <summary>False when the workload was stopped meanwhile.</summary>
    public Task<bool> ScaleAsync(int replicas, CancellationToken cancellationToken) =>
        MutateAsync(
            () =>
            {
                if (_stopped)
                {
                    return false;
                }

                _desired = replicas;
                return true;
            },
            cancellationToken);

    /// <summary>Drains every instance and starts none again. Returns once the drains are under way.</summary>
    public Task StopAsync()
    {
        _stopRequested = true;
        return MutateAsync(
            () =>
            {
                _stopped = true;
                _restartTimer.Dispose();
                return true;
            },
            CancellationToken.None);
    }

    private RestartBackoff NewBackoff() => new(
        _context.Options.RestartBackoffBase,
        _context.Options.RestartBackoffMax,
        _context.Options.RestartBackoffResetAfter,
        _context.Time);

    private async Task<T> MutateAsync<T>(Func<T> mutate, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        T result = default!;
        ExceptionDispatchInfo? error = null;
        bool endpointsChanged;
        bool statusChanged;
        LocalInstance[] drains;
        try
        {
            try
            {
                result = mutate();
                await ReconcileLockedAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Rethrown below, after what did change is published and the drains begun.
                error = ExceptionDispatchInfo.Capture(e);
            }

            (endpointsChanged, statusChanged) = PublishLocked();
            drains = [.. _pendingDrains];
            _pendingDrains.Clear();
        }
        finally
        {
            _gate.Release();
        }

        if (endpointsChanged)
        {
            _context.RaiseEndpointsChanged(Key);
        }

        if (statusChanged)
        {
            _context.RaiseStatusChanged(Key);
        }

        foreach (var instance in drains)
        {
            _context.RunBackground(Key, () => DrainAsync(instance));
        }

        error?.Throw();
        return result;
    }

    /// <param name="cancellationToken">
    /// The caller's: once it is cancelled (the platform stopping its controller loop) no further instance is started and
    /// the wait ends with <see cref="OperationCanceledException"/>. What was decided stays: the workload's own timer goes
    /// on with the scale-up shortly, unless the workload is stopped meanwhile.
    /// </param>
    private async Task ReconcileLockedAsync(CancellationToken cancellationToken)
    {
        if (_spec is null)
        {
            return;
        }

        var load = _context.Options.InstanceLoad;
        var views = _instances.Select(i => new InstanceView(i.Id, i.Revision, i.State, i.Sequence, load?.Invoke(Key, i.Id) ?? 0)).ToList();
        var plan = WorkloadPlanner.Plan(_stopped ? 0 : _desired, _spec.Revision, views);
        foreach (var id in plan.ToDrain)
        {
            BeginDrainLocked(_instances.First(i => i.Id == id));
        }

        if (plan.ToStart == 0 || _stopped)
        {
            return;
        }

        var wait = _backoff.RemainingDelay();
        if (wait > TimeSpan.Zero)
        {
            _restartTimer.Change(wait, Timeout.InfiniteTimeSpan);
            return;
        }

        for (var i = 0; i < plan.ToStart; i++)
        {
            if (_stopRequested)
            {
                return;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                _restartTimer.Change(ResumeAfterCancel, Timeout.InfiniteTimeSpan);
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (_context.Pool?.TryTake(_spec) is { } pooled)
            {
                // Already counted under max-instances: specializing it adds no process.
                if (!await SpecializeLockedAsync(pooled, _spec).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            // Pool spawns not yet in LiveInstances have their slot reserved.
            if (_context.LiveInstances.Count + (_context.Pool?.Reserved ?? 0) >= _context.Options.MaxInstances && _context.Pool?.EvictOne() != true)
            {
                // Another function's instances may stop any time: look again shortly rather than wait for an event.
                LocalBackendLog.InstanceCapReached(_context.Logger, Key, _context.LiveInstances.Count);
                _restartTimer.Change(InstanceCapRetry, Timeout.InfiniteTimeSpan);
                return;
            }

            if (!await StartOneLockedAsync(_spec).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task<bool> StartOneLockedAsync(WorkloadSpec current)
    {
        var (instance, problem) = await InstanceStarter.StartAsync(_context, Key, current).ConfigureAwait(false);
        if (instance is null)
        {
            return RuntimeUnavailableLocked(problem!);
        }

        _instances.Add(instance);
        _context.LiveInstances[instance.Id] = instance;
        LocalBackendLog.InstanceStarted(_context.Logger, Key, instance.Id, current.Revision, instance.Pid, instance.Port);
        _context.RunBackground(Key, () => SuperviseAsync(instance));
        return true;
    }

    /// <summary>
    /// Loads the function into a generic instance taken from the pool and makes it this workload's, or kills it and
    /// records the failure (the runtime's load error) with the same backoff as a failed start.
    /// </summary>
    private async Task<bool> SpecializeLockedAsync(LocalInstance pooled, WorkloadSpec current)
    {
        var started = _context.Time.GetTimestamp();
        var problem = await _context.Pool!.SpecializeAsync(pooled, current, CancellationToken.None).ConfigureAwait(false);
        if (problem is not null)
        {
            // Never back to the pool: it may have run part of the function's code.
            pooled.StopRequested = true;
            pooled.Kill();
            LocalBackendLog.SpecializationFailed(_context.Logger, Key, problem);

            // A function that allocates past its limit while loading dies under its specialization: say so, as for a
            // process started for it, once its exit (bounded) tells.
            await Task.WhenAny(pooled.Exited, Task.Delay(SpecializationExitWait, _context.Time)).ConfigureAwait(false);
            if (pooled.OomKilled)
            {
                var limit = current.Resources.MemoryLimitBytes is { } bytes ? ResourceEnforcementPolicy.Bytes(bytes) : "its limit";
                _failure = new WorkloadFailure(
                    WorkloadFailureReason.OOMKilled, $"out of memory (OOMKilled): the kernel killed it at its memory limit of {limit} while it loaded the function ({problem})");
            }
            else
            {
                _failure = new WorkloadFailure(WorkloadFailureReason.StartFailed, problem);
            }

            var delay = _backoff.RecordFailure(_context.Time.GetUtcNow());
            LocalBackendLog.Restarting(_context.Logger, Key, (long)delay.TotalMilliseconds, _backoff.ConsecutiveFailures);
            _restartTimer.Change(delay, Timeout.InfiniteTimeSpan);
            return false;
        }

        // Counted under its new id before the pool's goes, so that max-instances never sees one process too few.
        var poolId = pooled.Id;
        var id = InstanceStarter.InstanceId(Key, current.Revision, pooled.Sequence);
        _context.LiveInstances[id] = pooled;
        pooled.Adopt(current, id, _context.Layout.LogPath(StateLayout.LogOwner(Key, current), id));
        _context.LiveInstances.TryRemove(poolId, out _);

        // Ready now: the runtime answers 200 only once it serves the function, and its PORT listened before the pool
        // kept it. Waiting for the next probe would add up to a probe interval to the cold start; the probe loop
        // (SuperviseAsync) takes over from here, at the ready interval.
        pooled.State = LocalInstanceState.Ready;
        pooled.EverReady = true;
        _instances.Add(pooled);
        LocalBackendLog.Specialized(
            _context.Logger, Key, pooled.Id, current.Revision, (long)_context.Time.GetElapsedTime(started).TotalMilliseconds, pooled.Pid, pooled.Port);
        _context.RunBackground(Key, () => SuperviseAsync(pooled));
        return true;
    }

    private bool RuntimeUnavailableLocked(string message)
    {
        _failure = new WorkloadFailure(WorkloadFailureReason.RuntimeUnavailable, message);
        LocalBackendLog.RuntimeUnavailable(_context.Logger, Key, message);

        // Retried with backoff: the runtime may be installed or the source built meanwhile.
        var delay = _backoff.RecordFailure(_context.Time.GetUtcNow());
        _restartTimer.Change(delay, Timeout.InfiniteTimeSpan);
        return false;
    }

    private async Task SuperviseAsync(LocalInstance instance)
    {
        var probing = ProbeLoopAsync(instance);
        var exitCode = await instance.Exited.ConfigureAwait(false);
        try
        {
            await probing.ConfigureAwait(false);
        }
        finally
        {
            // Even after a probing failure (logged by the caller) the exit must be handled, or the
            // instance would count as running forever and never be replaced.
            await MutateAsync(() => OnExitedLocked(instance, exitCode), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task ProbeLoopAsync(LocalInstance instance)
    {
        var token = instance.Lifetime;
        var started = _context.Time.GetTimestamp();
        long? listening = null; // when the probe loop first saw the runtime's "listening on" line
        try
        {
            while (!token.IsCancellationRequested)
            {
                var ready = await _context.Prober.ProbeAsync(LocalInstance.Host, instance.Port, instance.PlatformPort, token).ConfigureAwait(false);
                var state = instance.State;
                if (ready && state is LocalInstanceState.Starting or LocalInstanceState.NotReady)
                {
                    var elapsed = _context.Time.GetElapsedTime(started);
                    await MutateAsync(() => MarkReadyLocked(instance, elapsed), CancellationToken.None).ConfigureAwait(false);
                }
                else if (!ready && state == LocalInstanceState.Ready)
                {
                    await MutateAsync(() => MarkNotReadyLocked(instance), CancellationToken.None).ConfigureAwait(false);
                }
                else if (!ready && state == LocalInstanceState.Starting && _context.Time.GetElapsedTime(started) >= _context.Options.StartupTimeout)
                {
                    await MutateAsync(() => KillForStartupTimeoutLocked(instance), CancellationToken.None).ConfigureAwait(false);
                    return;
                }

                if (instance.State == LocalInstanceState.Starting)
                {
                    // The runtime's "listening on" line cuts the first wait after it short (ListeningHint), and starts
                    // the fast schedule: before it, a probe is refused anyway.
                    listening ??= instance.ListeningSaid.Came ? _context.Time.GetTimestamp() : null;
                    var interval = StartupProbeSchedule.IntervalAfter(
                        listening is { } since ? _context.Time.GetElapsedTime(since) : null, _endpoints.Count > 0, _context.Options.StartupProbeInterval);
                    await instance.ListeningSaid.DelayAsync(interval, _context.Time, token).ConfigureAwait(false);
                }
                else
                {
                    await Task.Delay(_context.Options.ReadyProbeInterval, _context.Time, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The instance drains or exited: probing ends here by design.
        }
    }

    private bool MarkReadyLocked(LocalInstance instance, TimeSpan elapsed)
    {
        if (!_instances.Contains(instance) || instance.State is not (LocalInstanceState.Starting or LocalInstanceState.NotReady))
        {
            return false;
        }

        instance.State = LocalInstanceState.Ready;
        instance.EverReady = true;
        LocalBackendLog.InstanceReady(_context.Logger, Key, instance.Id, instance.Pid, instance.Port, (long)elapsed.TotalMilliseconds);
        return true;
    }

    private bool MarkNotReadyLocked(LocalInstance instance)
    {
        if (instance.State != LocalInstanceState.Ready)
        {
            return false;
        }

        instance.State = LocalInstanceState.NotReady;
        LocalBackendLog.InstanceNotReady(_context.Logger, Key, instance.Id, instance.Pid, instance.Port);
        return true;
    }

    private bool KillForStartupTimeoutLocked(LocalInstance instance)
    {
        if (instance.State != LocalInstanceState.Starting)
        {
            return false;
        }

        var reason = string.Create(
            CultureInfo.InvariantCulture, $"not ready within the startup timeout of {_context.Options.StartupTimeout.TotalSeconds:0.###} s");
        instance.KillReason = reason;
        instance.Kill();
        LocalBackendLog.InstanceKilled(_context.Logger, Key, instance.Id, instance.Pid, reason);
        return true;
    }

    private bool OnExitedLocked(LocalInstance instance, int exitCode)
    {
        _instances.Remove(instance);
        _context.LiveInstances.TryRemove(instance.Id, out _);
        if (instance.StopRequested)
        {
            LocalBackendLog.InstanceStopped(_context.Logger, Key, instance.Id, instance.Pid, exitCode);
        }
        else
        {
            LocalBackendLog.InstanceCrashed(_context.Logger, Key, instance.Id, instance.Pid, exitCode);
            if (!_stopped && _spec is not null && instance.Revision == _spec.Revision)
            {
                RecordCrashLocked(instance, exitCode);
            }
        }

        LogRetention.Prune(
            _context.Layout.LogDirectory(StateLayout.LogOwner(Key, _spec)), _context.LiveInstances.ContainsKey, _context.Options.RetainedExitedInstanceLogs, _context.Logger);
        return true;
    }

    private void RecordCrashLocked(LocalInstance instance, int exitCode)
    {
        var delay = _backoff.RecordFailure(instance.StartedAt);
        if (instance.OomKilled)
        {
            // The kernel's word, as Kubernetes reports it: a limit the function must raise, or memory it must save.
            var limit = instance.Spec.Resources.MemoryLimitBytes is { } bytes ? ResourceEnforcementPolicy.Bytes(bytes) : "its limit";
            instance.KillReason = $"out of memory (OOMKilled): the kernel killed it at its memory limit of {limit}";
        }

        var message = CrashReport.Describe(
            instance.Id,
            instance.KillReason,
            instance.EverReady,
            exitCode,
            delay,
            _backoff.ConsecutiveFailures,
            LogTail.ReadLastLines(instance.Log.Path, CrashReport.LogLines));
        var reason = instance.OomKilled ? WorkloadFailureReason.OOMKilled
            : instance.EverReady ? WorkloadFailureReason.CrashLoop
            : WorkloadFailureReason.StartFailed;
        _failure = new WorkloadFailure(reason, message);
        LocalBackendLog.Restarting(_context.Logger, Key, (long)delay.TotalMilliseconds, _backoff.ConsecutiveFailures);
    }

    private void BeginDrainLocked(LocalInstance instance)
    {
        instance.State = LocalInstanceState.Draining;
        instance.StopRequested = true;
        instance.StopProbing();
        _pendingDrains.Add(instance);
    }

    private async Task DrainAsync(LocalInstance instance)
    {
        var grace = TimeSpan.FromSeconds(instance.Spec.TimeoutSeconds) + _context.Options.DrainGraceExtra;
        LocalBackendLog.InstanceDraining(_context.Logger, Key, instance.Id, instance.Pid, (long)grace.TotalMilliseconds);
        instance.Signal(PosixSignals.SigTerm);
        using var cancelDelay = new CancellationTokenSource();
        var exited = instance.Exited;
        if (await Task.WhenAny(exited, Task.Delay(grace, _context.Time, cancelDelay.Token)).ConfigureAwait(false) != exited)
        {
            instance.Kill();
            LocalBackendLog.InstanceKilled(_context.Logger, Key, instance.Id, instance.Pid, "still running after the drain grace period");
        }

        await cancelDelay.CancelAsync().ConfigureAwait(false);
    }

    private (bool EndpointsChanged, bool StatusChanged) PublishLocked()
    {
        var ready = _instances
            .Where(i => i.State == LocalInstanceState.Ready)
            .OrderBy(i => i.Sequence)
            .Select(i => i.Endpoint)
            .ToImmutableArray();
        var endpointsChanged = !ready.SequenceEqual(_endpoints);
        if (endpointsChanged)
        {
            _endpoints = ready;
        }

        // A revision's workload (issue #17) serves its Function: the instances say so (metrics labels, discovery).
        var function = _spec?.FunctionKey ?? Key;
        _instanceInfos = _instances
            .OrderBy(i => i.Sequence)
            .Select(i => new LocalInstanceInfo(i.Id, i.Revision, i.Pid, i.Port, i.State, i.StartedAt, i.Log.Path) { PlatformPort = i.PlatformPort, Function = function, RevisionName = i.Spec.RevisionName, PoolId = i.PoolId })
            .ToImmutableArray();
        _live = _instances.OrderBy(i => i.Sequence).ToImmutableArray();

        if (_spec is null)
        {
            return (endpointsChanged, false);
        }

        var currentReady = _instances.Count(i => i.State == LocalInstanceState.Ready && i.Revision == _spec.Revision);
        var wanted = _stopped ? 0 : _desired;
        if (_failure is not null && currentReady >= wanted)
        {
            _failure = null;
        }

        var next = new WorkloadStatus
        {
            Revision = _spec.Revision,
            DesiredReplicas = wanted,
            Replicas = _instances.Count,
            ReadyReplicas = currentReady,
            Failure = _failure,
            Resources = _context.ResourceEnforcement(_spec),
        };
        var statusChanged = next != _status;
        _status = next;
        return (endpointsChanged, statusChanged);
    }
}
