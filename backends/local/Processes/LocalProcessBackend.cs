using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Backends.Local.Cgroups;
using Serverless.Backends.Local.Sandbox;
using Serverless.Core.Contracts;
using Serverless.Core.Naming;
using Serverless.Hosting.Processes;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// The local workload backend: runs each function instance as a child process of its language runtime on a
/// loopback port, probes readiness, restarts crashed instances with backoff, captures logs, drains on scale-down
/// and rolls revisions without downtime. One supervisor owns both what runs (<see cref="IWorkloadManager"/>, for
/// the controller) and how many (<see cref="IWorkloadScaler"/>, for the autoscaler), and it is also the
/// <see cref="IEndpointSource"/> of those instances.
/// </summary>
/// <remarks>
/// Each instance runs in a sandbox (<see cref="SandboxCommandBuilder"/>) unless that is turned off, and in a cgroup
/// of its own where the platform can make one: its limits, and the end of its whole process tree.
/// No instance outlives the platform: disposal stops them all; if the platform is killed, the kernel kills them
/// (parent-death signal through bubblewrap or <c>setpriv</c>); and whatever escaped both is killed from its pid
/// file or cgroup by the next backend started on the same state directory. Two platforms must therefore not share
/// a state directory.
/// </remarks>
public sealed class LocalProcessBackend : IWorkloadManager, IWorkloadScaler, IEndpointSource, IInstanceUsageSource, IAsyncDisposable
{
    /// <summary>How long disposal waits for killed processes and in-flight supervision work to finish.</summary>
    private static readonly TimeSpan KillWaitTimeout = TimeSpan.FromSeconds(5);

    private readonly LocalBackendContext _context;
    private readonly ConcurrentDictionary<FunctionKey, FunctionWorkload> _workloads = new();
    private readonly object _createLock = new();
    private readonly CgroupTree? _cgroups;
    private int _disposed;

    /// <summary>
    /// Validates the options, checks that the sandbox works (unless it is off), sets up the instances' cgroups,
    /// kills orphans left in the state directory by an earlier run, and starts the spawner thread.
    /// </summary>
    /// <exception cref="SandboxUnavailableException">The sandbox is on and does not work here; the message says what to do.</exception>
    public LocalProcessBackend(LocalBackendOptions options, ILogger<LocalProcessBackend> logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid local backend options: " + string.Join("; ", errors), nameof(options));
        }

        var setpriv = options.SetprivPath is { } path && File.Exists(path) ? path : null;
        if (setpriv is null)
        {
            LocalBackendLog.SetprivMissing(logger, options.SetprivPath);
        }

        var setsid = options.SetsidPath is { } setsidPath && File.Exists(setsidPath) ? setsidPath : null;
        SandboxProfile? sandbox = null;
        if (options.Sandbox.Enabled)
        {
            sandbox = SandboxCheck.Prepare(options.Sandbox, setpriv, options.StateDirectory);
            LocalBackendLog.SandboxOn(
                logger,
                sandbox.BwrapPath,
                sandbox.RunAs is { } id ? string.Create(CultureInfo.InvariantCulture, $"uid {id.Uid}, gid {id.Gid}") : "the platform's uid in a user namespace");
        }
        else
        {
            LocalBackendLog.SandboxOff(logger);
            if (setsid is null)
            {
                LocalBackendLog.SetsidMissing(logger, options.SetsidPath);
            }
        }

        // Orphans first, before the spawner thread exists: a failure here leaves nothing running behind.
        var instancesDirectory = new StateLayout(options.StateDirectory).InstancesDirectory;
        Directory.CreateDirectory(instancesDirectory);
        OrphanReaper.Reap(instancesDirectory, logger);
        _cgroups = CgroupTree.TrySetUp(options.StateDirectory, out var cgroupsUnavailable);
        if (cgroupsUnavailable is not null)
        {
            LocalBackendLog.CgroupsUnavailable(logger, cgroupsUnavailable);
        }
        else if (_cgroups is not null)
        {
            LocalBackendLog.CgroupsOn(logger, _cgroups.Version.ToString(), string.Join(", ", _cgroups.Controllers.Order(StringComparer.Ordinal)));
        }

        _context = new LocalBackendContext(
            options,
            options.ResolveRuntimeCommands(),
            setpriv,
            sandbox is null ? setsid : null,
            sandbox,
            cgroupsUnavailable is null ? _cgroups : null,
            cgroupsUnavailable,
            timeProvider,
            logger,
            OnEndpointsChanged,
            OnStatusChanged);
        // A predecessor's staging directories (pool-size may be 0 now): their instances are gone, the orphan reaper saw to it.
        try
        {
            ArtifactStaging.Remove(_context.Layout.StagingRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LocalBackendLog.StagingRemoveFailed(logger, _context.Layout.StagingRoot, e);
        }

        if (options.PoolSize > 0)
        {
            _context.Pool = new WarmPool(_context);
            _context.Pool.Start();
        }
    }

    /// <summary>The pool size per pooled runtime (<c>pool-size</c>); empty when there is no pool.</summary>
    public IReadOnlyDictionary<string, int> PoolSizes() =>
        _context.Pool is { } pool ? pool.Runtimes.ToDictionary(r => r, _ => _context.Options.PoolSize, StringComparer.Ordinal) : new Dictionary<string, int>();

    /// <summary>Idle pool instances per pooled runtime now; empty when there is no pool.</summary>
    public IReadOnlyDictionary<string, int> PoolIdle() =>
        _context.Pool is { } pool ? pool.Runtimes.ToDictionary(r => r, pool.Idle, StringComparer.Ordinal) : new Dictionary<string, int>();

    /// <summary>Whether instances run in the sandbox (false only when it was turned off).</summary>
    public bool Sandboxed => _context.Sandbox is not null;

    /// <summary>Why resource limits are not enforced here; null when instance cgroups work.</summary>
    public string? ResourceLimitsUnavailable => _context.CgroupsUnavailable;

    public event Action<FunctionKey>? EndpointsChanged;

    public event Action<FunctionKey>? StatusChanged;

    public async Task EnsureAsync(WorkloadSpec spec, int replicasIfCreated, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(replicasIfCreated);
        Validate(spec);

        // A concurrent delete may stop the workload found here; then a fresh one is made. Two rounds always
        // suffice unless deletes keep racing in, which is the caller's bug.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var workload = GetOrCreate(spec.Key);
            if (await workload.EnsureAsync(spec, replicasIfCreated, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            _workloads.TryRemove(new KeyValuePair<FunctionKey, FunctionWorkload>(spec.Key, workload));
        }

        throw new InvalidOperationException($"workload {spec.Key} was deleted repeatedly while being ensured");
    }

    /// <summary>A scale of a workload that does not exist (never ensured, or deleted) does nothing.</summary>
    public async Task ScaleAsync(FunctionKey key, int replicas, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_workloads.TryGetValue(key, out var workload)
            || !await workload.ScaleAsync(replicas, cancellationToken).ConfigureAwait(false))
        {
            LocalBackendLog.ScaleOfMissingWorkload(_context.Logger, key, replicas);
        }
    }

    /// <summary>Returns once every instance has left the endpoints and received SIGTERM; the drains finish in the background.</summary>
    public async Task DeleteAsync(FunctionKey key, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_workloads.TryRemove(key, out var workload))
        {
            await workload.StopAsync().ConfigureAwait(false);
            OnStatusChanged(key);
        }
    }

    public WorkloadStatus? GetStatus(FunctionKey key) =>
        _workloads.TryGetValue(key, out var workload) ? workload.Status : null;

    public IReadOnlyList<InstanceEndpoint> GetReadyEndpoints(FunctionKey key) =>
        _workloads.TryGetValue(key, out var workload) ? workload.Endpoints : ImmutableArray<InstanceEndpoint>.Empty;

    /// <summary>The running instances of a function (draining ones included), oldest first.</summary>
    public IReadOnlyList<InstanceUsage> Usage(FunctionKey key) =>
        _workloads.TryGetValue(key, out var workload) ? workload.Usage() : [];

    public IReadOnlyList<LocalInstanceInfo> GetInstances(FunctionKey key) =>
        _workloads.TryGetValue(key, out var workload) ? workload.Instances : ImmutableArray<LocalInstanceInfo>.Empty;

    /// <summary>The running instances of every function (draining ones included), for the admin API's Prometheus discovery.</summary>
    public IReadOnlyList<LocalInstanceInfo> GetAllInstances() =>
        _workloads.Values.SelectMany(workload => workload.Instances).ToList();

    /// <summary>The log files of a function's instances, running and recently exited, oldest first.</summary>
    public IReadOnlyList<LocalLogFile> ListLogFiles(FunctionKey key)
    {
        ValidateKey(key, nameof(key));
        var directory = new DirectoryInfo(_context.Layout.LogDirectory(key));
        if (!directory.Exists)
        {
            return [];
        }

        return directory.EnumerateFiles("*.log")
            .Select(f => new LocalLogFile(Path.GetFileNameWithoutExtension(f.Name), f.FullName, f.Length, new DateTimeOffset(f.LastWriteTimeUtc)))
            .OrderBy(f => f.LastWriteTime)
            .ThenBy(f => f.InstanceId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The last <paramref name="lines"/> lines of one instance's log, oldest first, each
    /// "<c>{RFC3339 time} {stdout|stderr} {text}</c>".
    /// </summary>
    public IReadOnlyList<string> TailInstanceLog(FunctionKey key, string instanceId, int lines)
    {
        ValidateKey(key, nameof(key));
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        if (instanceId.IndexOfAny(['/', '\\']) >= 0 || instanceId.StartsWith('.'))
        {
            throw new ArgumentException($"\"{instanceId}\" is not an instance id", nameof(instanceId));
        }

        return LogTail.ReadLastLines(_context.Layout.LogPath(key, instanceId), lines);
    }

    /// <summary>
    /// The last <paramref name="lines"/> lines over all log files of a function, in time order, each
    /// "<c>{instanceId} {RFC3339 time} {stdout|stderr} {text}</c>".
    /// </summary>
    public IReadOnlyList<string> TailLog(FunctionKey key, int lines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lines);

        // Timestamps are fixed width, so an ordinal sort of the lines is a sort by time (stable within a file).
        return ListLogFiles(key)
            .SelectMany(f => LogTail.ReadLastLines(f.Path, lines).Select(line => (f.InstanceId, Line: line)))
            .OrderBy(x => x.Line.Length >= InstanceLogWriter.TimestampLength ? x.Line[..InstanceLogWriter.TimestampLength] : x.Line, StringComparer.Ordinal)
            .TakeLast(lines)
            .Select(x => x.InstanceId + " " + x.Line)
            .ToList();
    }

    /// <summary>
    /// Drains every instance (SIGTERM), kills what is still running after
    /// <see cref="LocalBackendOptions.ShutdownTimeout"/>, then stops the spawner thread.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Removed one by one: an EnsureAsync that passed its disposed check just before may still add one.
        while (!_workloads.IsEmpty)
        {
            foreach (var key in _workloads.Keys)
            {
                if (_workloads.TryRemove(key, out var workload))
                {
                    await workload.StopAsync().ConfigureAwait(false);
                }
            }
        }

        _context.Pool?.Dispose();
        var live = _context.LiveInstances.Values.ToList();
        var allExited = Task.WhenAll(live.Select(i => i.Exited));
        if (await Task.WhenAny(allExited, Task.Delay(_context.Options.ShutdownTimeout, _context.Time)).ConfigureAwait(false) != allExited)
        {
            foreach (var instance in live.Where(i => !i.Exited.IsCompleted))
            {
                instance.Kill();
                LocalBackendLog.InstanceKilled(_context.Logger, instance.Spec.Key, instance.Id, instance.Pid, "still running at shutdown");
            }

            await Task.WhenAny(allExited, Task.Delay(KillWaitTimeout, _context.Time)).ConfigureAwait(false);
        }

        await _context.WaitForBackgroundAsync(KillWaitTimeout).ConfigureAwait(false);
        _context.Spawner.Dispose();
        _context.Prober.Dispose();
        _cgroups?.Remove();
    }

    private static void Validate(WorkloadSpec spec)
    {
        // The controller validated these; they become file names and arguments, so check again at the edge.
        ValidateKey(spec.Key, nameof(spec));

        if (spec.Revision.Length == 0 || !spec.Revision.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"revision \"{spec.Revision}\" must be non-empty ASCII letters, digits, '-', '_' or '.'", nameof(spec));
        }

        if (spec.TimeoutSeconds <= 0 || spec.ContainerConcurrency < 0)
        {
            throw new ArgumentException(
                $"timeoutSeconds = {spec.TimeoutSeconds} must be greater than 0 and containerConcurrency = {spec.ContainerConcurrency} must not be negative",
                nameof(spec));
        }
    }

    /// <summary>Keys become directory names: anything but two DNS-1123 labels could reach outside the state directory.</summary>
    private static void ValidateKey(FunctionKey key, string parameter)
    {
        if (!Names.IsDns1123Label(key.Namespace) || !Names.IsDns1123Label(key.Name))
        {
            throw new ArgumentException($"function key {key} is not a pair of DNS-1123 labels", parameter);
        }
    }

    private FunctionWorkload GetOrCreate(FunctionKey key)
    {
        if (_workloads.TryGetValue(key, out var existing))
        {
            return existing;
        }

        // Under a lock so a losing racer never builds a workload (and its timer) that is thrown away.
        lock (_createLock)
        {
            return _workloads.GetOrAdd(key, k => new FunctionWorkload(k, _context));
        }
    }

    private void OnEndpointsChanged(FunctionKey key) => EndpointsChanged?.Invoke(key);

    private void OnStatusChanged(FunctionKey key) => StatusChanged?.Invoke(key);
}
