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

    private readonly LocalBackendContext context;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly List<LocalInstance> instances = [];
    private readonly List<LocalInstance> pendingDrains = [];
    private readonly ITimer restartTimer;
    private WorkloadSpec? spec;
    private int desired;
    private RestartBackoff backoff;
    private WorkloadFailure? failure;
    private bool stopped;

    /// <summary>
    /// Set by <see cref="StopAsync"/> before it waits for the lock: a scale-up holding the lock checks it before each
    /// start, so a delete waits for one start at most, not for all of them.
    /// </summary>
    private volatile bool stopRequested;
    private volatile IReadOnlyList<InstanceEndpoint> endpoints = ImmutableArray<InstanceEndpoint>.Empty;
    private volatile IReadOnlyList<LocalInstanceInfo> instanceInfos = ImmutableArray<LocalInstanceInfo>.Empty;
    private volatile WorkloadStatus? status;

    public FunctionWorkload(FunctionKey key, LocalBackendContext context)
    {
        Key = key;
        this.context = context;
        backoff = NewBackoff();
        restartTimer = context.Time.CreateTimer(
            _ => context.RunBackground(key, () => MutateAsync(() => true, CancellationToken.None)),
            null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
    }

    public FunctionKey Key { get; }

    public IReadOnlyList<InstanceEndpoint> Endpoints => endpoints;

    public IReadOnlyList<LocalInstanceInfo> Instances => instanceInfos;

    /// <summary>Null until the first <see cref="EnsureAsync"/> completed.</summary>
    public WorkloadStatus? Status => status;

    /// <summary>False when the workload was stopped (deleted) meanwhile: the caller makes a new one.</summary>
    public Task<bool> EnsureAsync(WorkloadSpec newSpec, int replicasIfCreated, CancellationToken cancellationToken) =>
        MutateAsync(
            () =>
            {
                if (stopped)
                {
                    return false;
                }

                if (spec is null)
                {
                    desired = replicasIfCreated;
                }

                if (spec is null || spec.Revision != newSpec.Revision)
                {
                    // A new revision is a new program: its failures start from zero.
                    backoff = NewBackoff();
                    failure = null;
                }

                spec = newSpec;
                return true;
            },
            cancellationToken);

    /// <summary>False when the workload was stopped meanwhile.</summary>
    public Task<bool> ScaleAsync(int replicas, CancellationToken cancellationToken) =>
        MutateAsync(
            () =>
            {
                if (stopped)
                {
                    return false;
                }

                desired = replicas;
                return true;
            },
            cancellationToken);

    /// <summary>Drains every instance and starts none again. Returns once the drains are under way.</summary>
    public Task StopAsync()
    {
        stopRequested = true;
        return MutateAsync(
            () =>
            {
                stopped = true;
                restartTimer.Dispose();
                return true;
            },
            CancellationToken.None);
    }

    private RestartBackoff NewBackoff() => new(
        context.Options.RestartBackoffBase,
        context.Options.RestartBackoffMax,
        context.Options.RestartBackoffResetAfter,
        context.Time);

    private async Task<T> MutateAsync<T>(Func<T> mutate, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
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
                await ReconcileLockedAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Rethrown below, after what did change is published and the drains begun.
                error = ExceptionDispatchInfo.Capture(e);
            }

            (endpointsChanged, statusChanged) = PublishLocked();
            drains = [.. pendingDrains];
            pendingDrains.Clear();
        }
        finally
        {
            gate.Release();
        }

        if (endpointsChanged)
        {
            context.RaiseEndpointsChanged(Key);
        }

        if (statusChanged)
        {
            context.RaiseStatusChanged(Key);
        }

        foreach (var instance in drains)
        {
            context.RunBackground(Key, () => DrainAsync(instance));
        }

        error?.Throw();
        return result;
    }

    private async Task ReconcileLockedAsync()
    {
        if (spec is null)
        {
            return;
        }

        var load = context.Options.InstanceLoad;
        var views = instances.Select(i => new InstanceView(i.Id, i.Revision, i.State, i.Sequence, load?.Invoke(Key, i.Id) ?? 0)).ToList();
        var plan = WorkloadPlanner.Plan(stopped ? 0 : desired, spec.Revision, views);
        foreach (var id in plan.ToDrain)
        {
            BeginDrainLocked(instances.First(i => i.Id == id));
        }

        if (plan.ToStart == 0 || stopped)
        {
            return;
        }

        var wait = backoff.RemainingDelay();
        if (wait > TimeSpan.Zero)
        {
            restartTimer.Change(wait, Timeout.InfiniteTimeSpan);
            return;
        }

        for (var i = 0; i < plan.ToStart; i++)
        {
            if (stopRequested)
            {
                return;
            }

            if (context.LiveInstances.Count >= context.Options.MaxInstances)
            {
                // Another function's instances may stop any time: look again shortly rather than wait for an event.
                LocalBackendLog.InstanceCapReached(context.Logger, Key, context.LiveInstances.Count);
                restartTimer.Change(InstanceCapRetry, Timeout.InfiniteTimeSpan);
                return;
            }

            if (!await StartOneLockedAsync(spec).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task<bool> StartOneLockedAsync(WorkloadSpec current)
    {
        var (instance, problem) = await InstanceStarter.StartAsync(context, Key, current).ConfigureAwait(false);
        if (instance is null)
        {
            return RuntimeUnavailableLocked(problem!);
        }

        instances.Add(instance);
        context.LiveInstances[instance.Id] = instance;
        LocalBackendLog.InstanceStarted(context.Logger, Key, instance.Id, current.Revision, instance.Pid, instance.Port);
        context.RunBackground(Key, () => SuperviseAsync(instance));
        return true;
    }

    private bool RuntimeUnavailableLocked(string message)
    {
        failure = new WorkloadFailure(WorkloadFailureReason.RuntimeUnavailable, message);
        LocalBackendLog.RuntimeUnavailable(context.Logger, Key, message);

        // Retried with backoff: the runtime may be installed or the source built meanwhile.
        var delay = backoff.RecordFailure(context.Time.GetUtcNow());
        restartTimer.Change(delay, Timeout.InfiniteTimeSpan);
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
        var started = context.Time.GetTimestamp();
        try
        {
            while (!token.IsCancellationRequested)
            {
                var ready = await context.Prober.ProbeAsync(LocalInstance.Host, instance.Port, token).ConfigureAwait(false);
                var state = instance.State;
                if (ready && state is LocalInstanceState.Starting or LocalInstanceState.NotReady)
                {
                    var elapsed = context.Time.GetElapsedTime(started);
                    await MutateAsync(() => MarkReadyLocked(instance, elapsed), CancellationToken.None).ConfigureAwait(false);
                }
                else if (!ready && state == LocalInstanceState.Ready)
                {
                    await MutateAsync(() => MarkNotReadyLocked(instance), CancellationToken.None).ConfigureAwait(false);
                }
                else if (!ready && state == LocalInstanceState.Starting && context.Time.GetElapsedTime(started) >= context.Options.StartupTimeout)
                {
                    await MutateAsync(() => KillForStartupTimeoutLocked(instance), CancellationToken.None).ConfigureAwait(false);
                    return;
                }

                var interval = instance.State == LocalInstanceState.Starting
                    ? context.Options.StartupProbeInterval
                    : context.Options.ReadyProbeInterval;
                await Task.Delay(interval, context.Time, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The instance drains or exited: probing ends here by design.
        }
    }

    private bool MarkReadyLocked(LocalInstance instance, TimeSpan elapsed)
    {
        if (!instances.Contains(instance) || instance.State is not (LocalInstanceState.Starting or LocalInstanceState.NotReady))
        {
            return false;
        }

        instance.State = LocalInstanceState.Ready;
        instance.EverReady = true;
        LocalBackendLog.InstanceReady(context.Logger, Key, instance.Id, instance.Pid, instance.Port, (long)elapsed.TotalMilliseconds);
        return true;
    }

    private bool MarkNotReadyLocked(LocalInstance instance)
    {
        if (instance.State != LocalInstanceState.Ready)
        {
            return false;
        }

        instance.State = LocalInstanceState.NotReady;
        LocalBackendLog.InstanceNotReady(context.Logger, Key, instance.Id, instance.Pid, instance.Port);
        return true;
    }

    private bool KillForStartupTimeoutLocked(LocalInstance instance)
    {
        if (instance.State != LocalInstanceState.Starting)
        {
            return false;
        }

        var reason = string.Create(
            CultureInfo.InvariantCulture, $"not ready within the startup timeout of {context.Options.StartupTimeout.TotalSeconds:0.###} s");
        instance.KillReason = reason;
        instance.Kill();
        LocalBackendLog.InstanceKilled(context.Logger, Key, instance.Id, instance.Pid, reason);
        return true;
    }

    private bool OnExitedLocked(LocalInstance instance, int exitCode)
    {
        instances.Remove(instance);
        context.LiveInstances.TryRemove(instance.Id, out _);
        if (instance.StopRequested)
        {
            LocalBackendLog.InstanceStopped(context.Logger, Key, instance.Id, instance.Pid, exitCode);
        }
        else
        {
            LocalBackendLog.InstanceCrashed(context.Logger, Key, instance.Id, instance.Pid, exitCode);
            if (!stopped && spec is not null && instance.Revision == spec.Revision)
            {
                RecordCrashLocked(instance, exitCode);
            }
        }

        LogRetention.Prune(
            context.Layout.LogDirectory(Key), context.LiveInstances.ContainsKey, context.Options.RetainedExitedInstanceLogs, context.Logger);
        return true;
    }

    private void RecordCrashLocked(LocalInstance instance, int exitCode)
    {
        var delay = backoff.RecordFailure(instance.StartedAt);
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
            backoff.ConsecutiveFailures,
            LogTail.ReadLastLines(instance.Log.Path, CrashReport.LogLines));
        var reason = instance.OomKilled ? WorkloadFailureReason.OOMKilled
            : instance.EverReady ? WorkloadFailureReason.CrashLoop
            : WorkloadFailureReason.StartFailed;
        failure = new WorkloadFailure(reason, message);
        LocalBackendLog.Restarting(context.Logger, Key, (long)delay.TotalMilliseconds, backoff.ConsecutiveFailures);
    }

    private void BeginDrainLocked(LocalInstance instance)
    {
        instance.State = LocalInstanceState.Draining;
        instance.StopRequested = true;
        instance.StopProbing();
        pendingDrains.Add(instance);
    }

    private async Task DrainAsync(LocalInstance instance)
    {
        var grace = TimeSpan.FromSeconds(instance.Spec.TimeoutSeconds) + context.Options.DrainGraceExtra;
        LocalBackendLog.InstanceDraining(context.Logger, Key, instance.Id, instance.Pid, (long)grace.TotalMilliseconds);
        instance.Signal(PosixSignals.SigTerm);
        using var cancelDelay = new CancellationTokenSource();
        var exited = instance.Exited;
        if (await Task.WhenAny(exited, Task.Delay(grace, context.Time, cancelDelay.Token)).ConfigureAwait(false) != exited)
        {
            instance.Kill();
            LocalBackendLog.InstanceKilled(context.Logger, Key, instance.Id, instance.Pid, "still running after the drain grace period");
        }

        await cancelDelay.CancelAsync().ConfigureAwait(false);
    }

    private (bool EndpointsChanged, bool StatusChanged) PublishLocked()
    {
        var ready = instances
            .Where(i => i.State == LocalInstanceState.Ready)
            .OrderBy(i => i.Sequence)
            .Select(i => i.Endpoint)
            .ToImmutableArray();
        var endpointsChanged = !ready.SequenceEqual(endpoints);
        if (endpointsChanged)
        {
            endpoints = ready;
        }

        instanceInfos = instances
            .OrderBy(i => i.Sequence)
            .Select(i => new LocalInstanceInfo(i.Id, i.Revision, i.Pid, i.Port, i.State, i.StartedAt, i.Log.Path))
            .ToImmutableArray();

        if (spec is null)
        {
            return (endpointsChanged, false);
        }

        var currentReady = instances.Count(i => i.State == LocalInstanceState.Ready && i.Revision == spec.Revision);
        var wanted = stopped ? 0 : desired;
        if (failure is not null && currentReady >= wanted)
        {
            failure = null;
        }

        var next = new WorkloadStatus
        {
            Revision = spec.Revision,
            DesiredReplicas = wanted,
            Replicas = instances.Count,
            ReadyReplicas = currentReady,
            Failure = failure,
            Resources = context.ResourceEnforcement(spec),
        };
        var statusChanged = next != status;
        status = next;
        return (endpointsChanged, statusChanged);
    }
}
