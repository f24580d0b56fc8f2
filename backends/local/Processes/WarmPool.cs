using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Serverless.Backends.Local.Cgroups;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Workloads;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Generic runtime processes kept warm per runtime (Fission's poolmgr): a cold start takes one and specializes it
/// with <c>POST /specialize</c> on its private port instead of spawning a process. A taken instance never comes back:
/// it becomes its function's, and is drained and killed like any other. Pool instances count in max-instances.
/// </summary>
/// <remarks>
/// Thread-safety: the idle and starting sets are changed under <see cref="_gate"/>; starts, probes and kills run
/// outside it.
/// <para>
/// With the sandbox on, a pool instance is born in a sandbox of its own whose function directory is an empty staging
/// directory under the state directory (<see cref="StateLayout.StagingDirectory"/>), bound read-only at
/// <see cref="Sandbox.SandboxPaths.PooledFunction"/> (so that not even the state directory's path shows). Its
/// specialization first fills that directory with the function's artifact from outside (<see cref="ArtifactStaging"/>:
/// hard links), then writes the function's limits, when it has some, into the instance's own cgroup, and only then
/// calls <c>/specialize</c> with the function's environment. Before that the instance sees no function's code and
/// never the state directory; after it, its own function's files only.
/// </para>
/// </remarks>
internal sealed class WarmPool : IDisposable
{
    /// <summary>The pool's instances live under this namespace in the state directory until specialized.</summary>
    public const string PoolNamespace = "serverless-pool";

    /// <summary>How soon a runtime whose pool instance failed to start is tried again; doubled per further failure.</summary>
    private static readonly TimeSpan RefillRetry = TimeSpan.FromSeconds(1);

    /// <summary>A runtime that keeps failing (not installed, broken) is tried once a minute.</summary>
    private static readonly TimeSpan RefillRetryMax = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan AliveProbeInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How long after a taken instance's specialization answered its replacement starts. A runtime's start takes a
    /// core for 50–150 ms; started at the take, it competed with the specialization and the cold request's first
    /// answer on a 2-core machine, which is what the pool is for.
    /// </summary>
    internal static readonly TimeSpan RefillAfterTake = TimeSpan.FromMilliseconds(50);

    // How long a start that is given up waits for its process to be gone (pid file and staging removed with it).
    private static readonly TimeSpan KilledExitWait = TimeSpan.FromSeconds(5);

    private readonly LocalBackendContext _context;
    private readonly object _gate = new();
    private readonly Dictionary<string, List<LocalInstance>> _idle = new(StringComparer.Ordinal);
    /// <summary>Spawns under way, per runtime, whose process is not in <c>LiveInstances</c> yet: slots reserved under the cap.</summary>
    private readonly Dictionary<string, int> _starting = new(StringComparer.Ordinal);

    /// <summary>Started processes not yet answering <c>/healthz</c>, per runtime (already in <c>LiveInstances</c>).</summary>
    private readonly Dictionary<string, int> _warming = new(StringComparer.Ordinal);

    /// <summary>Consecutive failed pool starts per runtime, for the retry delay.</summary>
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private volatile bool _disposed;

    public WarmPool(LocalBackendContext context)
    {
        _context = context;
        Runtimes = [.. context.Options.PooledRuntimes.Where(context.RuntimeCommands.ContainsKey).Order(StringComparer.Ordinal)];
    }

    /// <summary>The runtimes pooled here.</summary>
    public IReadOnlyList<string> Runtimes { get; }

    /// <summary>Idle (started, generic) instances of a runtime now.</summary>
    public int Idle(string runtime)
    {
        lock (_gate)
        {
            return _idle.TryGetValue(runtime, out var list) ? list.Count : 0;
        }
    }

    /// <summary>Slots under max-instances taken by pool spawns not yet counted in <c>LiveInstances</c>.</summary>
    public int Reserved
    {
        get
        {
            lock (_gate)
            {
                return _starting.Values.Sum();
            }
        }
    }

    /// <summary>Starts filling every runtime's pool in the background.</summary>
    public void Start()
    {
        foreach (var runtime in Runtimes)
        {
            Refill(runtime);
        }
    }

    /// <summary>Whether a start of <paramref name="spec"/> may use the pool at all (<see cref="WhyNot"/> is null).</summary>
    public bool Serves(WorkloadSpec spec) => WhyNot(spec) is null;

    /// <summary>
    /// Why a start of <paramref name="spec"/> may not use the pool, or null when it may. Memory and CPU limits need
    /// instance cgroups: the instance moves into a cgroup with them before the function is loaded. Not an
    /// ephemeral-storage limit, which sizes the sandbox's tmpfs when the sandbox is made, before anyone knows the function.
    /// </summary>
    public string? WhyNot(WorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.UsePool)
        {
            return $"the Function opts out ({WorkloadSpecBuilder.PoolAnnotation}: \"false\")";
        }

        if (!Runtimes.Contains(spec.Runtime, StringComparer.Ordinal))
        {
            return $"no warm pool for runtime {spec.Runtime}";
        }

        if (spec.SourcePath is null)
        {
            return "the Function runs its own image";
        }

        if (spec.Resources.EphemeralStorageLimitBytes is not null)
        {
            return "an ephemeral-storage limit sizes the sandbox, which a pooled instance already has";
        }

        if (spec.Resources.HasLimits && _context.Cgroups is null)
        {
            return "its memory or CPU limits need instance cgroups, which this platform runs without";
        }

        // A variable the runtime reads only at start (DOTNET_gcServer, NODE_OPTIONS, LANG) would be ignored by a
        // process that started before the function was known: the function starts one of its own.
        if (StartupVariables.FirstIn(spec.Runtime, spec.Environment.Select(variable => variable.Key)) is { } startup)
        {
            return StartupVariables.Reason(spec.Runtime, startup);
        }

        // A native C# function is its own executable: a generic runtime cannot load it (and it starts as fast).
        if (spec.Runtime == RuntimeNames.Dotnet && File.Exists(Path.Combine(spec.SourcePath, NativeFunctionManifest.FileName)))
        {
            return "a native C# function is its own executable";
        }

        return null;
    }

    /// <summary>Takes an idle instance of the spec's runtime, or null; the pool refills once it is specialized.</summary>
    public LocalInstance? TryTake(WorkloadSpec spec)
    {
        if (WhyNot(spec) is { } reason)
        {
            // Said where a pool exists and the Function's own spec kept it out, so its owner learns why its cold
            // starts are slower than its neighbours' (the Kubernetes specializer reports the same reason).
            if (spec.UsePool && Runtimes.Contains(spec.Runtime, StringComparer.Ordinal))
            {
                LocalBackendLog.PoolDeclined(_context.Logger, spec.Key, reason);
            }

            return null;
        }

        LocalInstance? taken = null;
        lock (_gate)
        {
            if (_idle.TryGetValue(spec.Runtime, out var list))
            {
                // The newest: an older one has waited longest and is as warm; either is fine, the newest keeps order simple.
                while (list.Count > 0 && taken is null)
                {
                    var candidate = list[^1];
                    list.RemoveAt(list.Count - 1);
                    if (!candidate.Exited.IsCompleted)
                    {
                        taken = candidate;
                    }
                }
            }
        }

        // The replacement starts after the taken one's specialization (SpecializeAsync), which always follows a take.
        return taken;
    }

    /// <summary>
    /// Kills one idle instance (of any runtime) so that a function's instance can start at max-instances; false when
    /// none is idle. Its slot is freed at once.
    /// </summary>
    public bool EvictOne()
    {
        LocalInstance? victim = null;
        lock (_gate)
        {
            foreach (var list in _idle.Values)
            {
                if (list.Count > 0)
                {
                    victim = list[0];
                    list.RemoveAt(0);
                    break;
                }
            }
        }

        if (victim is null)
        {
            return false;
        }

        _context.LiveInstances.TryRemove(victim.Id, out _);
        victim.StopRequested = true;
        victim.Kill();
        LocalBackendLog.PoolInstanceEvicted(_context.Logger, victim.Id, victim.Spec.Runtime);
        return true;
    }

    /// <summary>
    /// Loads <paramref name="spec"/>'s function into the taken instance. Null when it serves; else the runtime's
    /// answer (a bad handler: its load error) or why it could not be reached.
    /// </summary>
    public async Task<string?> SpecializeAsync(LocalInstance instance, WorkloadSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            return await LoadFunctionAsync(instance, spec, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            RefillLater(spec.Runtime);
        }
    }

    private void RefillLater(string runtime)
    {
        if (_disposed || _context.Options.PoolSize <= 0)
        {
            return;
        }

        _context.RunBackground(new FunctionKey(PoolNamespace, runtime), async () =>
        {
            await Task.Delay(RefillAfterTake, _context.Time).ConfigureAwait(false);
            Refill(runtime);
        });
    }

    private async Task<string?> LoadFunctionAsync(LocalInstance instance, WorkloadSpec spec, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (sourcePath, prepareProblem) = Prepare(instance, spec);
        if (prepareProblem is not null)
        {
            _context.Options.Specialized?.Invoke(spec.Runtime, Stopwatch.GetElapsedTime(started), false);
            return prepareProblem;
        }

        var body = new SpecializeRequest(sourcePath!, spec.Handler, InstanceLaunchBuilder.SpecializationEnvironment(spec, sourcePath!, InstanceStarter.InstanceId(spec.Key, spec.Revision, instance.Sequence)));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{LocalInstance.Host}:{instance.PlatformPort}/specialize"))
        {
            // Buffered: the runtime reads a body by its Content-Length (411 without one).
            Content = new StringContent(JsonSerializer.Serialize(body, SpecializeJsonContext.Default.SpecializeRequest), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", instance.SpecializeToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_context.Options.StartupTimeout);
        string? problem;
        try
        {
            using var response = await _client.SendAsync(request, deadline.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
            problem = response.StatusCode == HttpStatusCode.OK
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"specializing pool instance {instance.Id} failed ({(int)response.StatusCode}): {text.Trim()}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            problem = $"specializing pool instance {instance.Id} failed: {e.Message}";
        }

        _context.Options.Specialized?.Invoke(spec.Runtime, Stopwatch.GetElapsedTime(started), problem is null);
        return problem;
    }

    /// <summary>
    /// What must be in place before the function's code may run: sandboxed, its artifact in the instance's staging
    /// directory; with limits, the instance in a cgroup that has them. Returns the function directory as the instance
    /// sees it, or why the instance cannot be this function's.
    /// </summary>
    private (string? SourcePath, string? Problem) Prepare(LocalInstance instance, WorkloadSpec spec)
    {
        var sourcePath = Path.GetFullPath(spec.SourcePath!);
        if (instance.StagingDirectory is { } staging)
        {
            if (_context.Options.SourcePolicy?.Check(spec.Key.Namespace, spec.Function ?? spec.Key.Name, sourcePath) is { } refused)
            {
                // Admission checked it too; this catches a symlink swapped in since.
                return (null, "spec.source.path: " + refused);
            }

            try
            {
                ArtifactStaging.Fill(sourcePath, staging);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, $"staging the function's artifact for pool instance {instance.Id} failed: {e.Message}");
            }

            // As the instance sees it: the staging directory is bound there, the state directory's path never shows.
            sourcePath = Sandbox.SandboxPaths.PooledFunction;
        }

        if (spec.Resources.HasLimits)
        {
            // In place, not by moving the processes into a new cgroup: the memory the runtime was charged while it
            // started stays charged where it is (both cgroup versions leave charges behind on a move), so only here
            // does it count against the function's limit, as it does for an instance started for the function.
            if (instance.Cgroup is not { } own)
            {
                return (null, $"pool instance {instance.Id} has no cgroup to take its function's limits");
            }

            if (spec.Resources.MemoryLimitBytes is { } limit && own.MemoryBytes() is { } used && used >= limit)
            {
                return (null, string.Create(
                    CultureInfo.InvariantCulture,
                    $"the function's memory limit of {ResourceEnforcementPolicy.Bytes(limit)} is below what the {spec.Runtime} runtime uses before it loads the function ({ResourceEnforcementPolicy.Bytes(used)})"));
            }

            try
            {
                _context.Cgroups!.Limit(own, spec.Resources, _context.Options.InstancePidsLimit);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, $"setting the function's limits on the cgroup of pool instance {instance.Id} failed: {e.Message}");
            }
        }

        return (sourcePath, null);
    }

    public void Dispose()
    {
        _disposed = true;
        List<LocalInstance> idle;
        lock (_gate)
        {
            idle = [.. _idle.Values.SelectMany(l => l)];
            _idle.Clear();
        }

        foreach (var instance in idle)
        {
            instance.StopRequested = true;
            instance.Kill();
        }

        _client.Dispose();
    }

    private void Refill(string runtime)
    {
        if (_disposed || _context.Options.PoolSize <= 0)
        {
            return;
        }

        int toStart;
        lock (_gate)
        {
            var have = (_idle.TryGetValue(runtime, out var list) ? list.Count : 0) + _starting.GetValueOrDefault(runtime) + _warming.GetValueOrDefault(runtime);
            var room = _context.Options.MaxInstances - _context.LiveInstances.Count - _starting.Values.Sum();
            toStart = Math.Max(0, Math.Min(_context.Options.PoolSize - have, room));
            _starting[runtime] = _starting.GetValueOrDefault(runtime) + toStart;
        }

        var key = new FunctionKey(PoolNamespace, runtime);
        for (var i = 0; i < toStart; i++)
        {
            _context.RunBackground(key, () => StartOneAsync(runtime));
        }
    }

    private async Task StartOneAsync(string runtime)
    {
        LocalInstance? instance = null;
        var ready = false;
        try
        {
            var (started, problem) = await InstanceStarter.StartGenericAsync(_context, runtime, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))).ConfigureAwait(false);
            if (started is null)
            {
                LocalBackendLog.PoolStartFailed(_context.Logger, runtime, problem!);
                return;
            }

            instance = started;
            lock (_gate)
            {
                // From reserved to counted: in LiveInstances, and warming until it answers.
                _context.LiveInstances[instance.Id] = instance;
                _starting[runtime] = _starting.GetValueOrDefault(runtime) - 1;
                _warming[runtime] = _warming.GetValueOrDefault(runtime) + 1;
            }

            ready = await WaitAliveAsync(instance).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                if (instance is null)
                {
                    _starting[runtime] = _starting.GetValueOrDefault(runtime) - 1;
                }
                else
                {
                    _warming[runtime] = _warming.GetValueOrDefault(runtime) - 1;
                }

                // Disposed meanwhile: not kept, killed below.
                ready &= !_disposed;
                if (ready)
                {
                    instance!.State = LocalInstanceState.Ready;
                    if (!_idle.TryGetValue(runtime, out var list))
                    {
                        _idle[runtime] = list = [];
                    }

                    list.Add(instance);
                }
            }
        }

        if (instance is null || !ready)
        {
            instance?.Kill();
            if (instance is not null)
            {
                _context.LiveInstances.TryRemove(instance.Id, out _);

                // Until it has exited: a start given up at shutdown (the backend waits for this task) must not leave
                // its pid file or staging directory behind, nor a process the backend no longer watches.
                await Task.WhenAny(instance.Exited, Task.Delay(KilledExitWait, _context.Time)).ConfigureAwait(false);
            }

            if (_disposed)
            {
                return;
            }

            // A runtime that cannot start is retried slowly rather than in a loop.
            int failures;
            lock (_gate)
            {
                failures = _failures[runtime] = Math.Min(_failures.GetValueOrDefault(runtime) + 1, 16);
            }

            var delay = TimeSpan.FromTicks(Math.Min(RefillRetry.Ticks << (failures - 1), RefillRetryMax.Ticks));
            await Task.Delay(delay, _context.Time).ConfigureAwait(false);
            Refill(runtime);
            return;
        }

        lock (_gate)
        {
            _failures.Remove(runtime);
        }

        LocalBackendLog.PoolInstanceReady(_context.Logger, instance.Id, runtime, instance.Pid);
        _context.RunBackground(new FunctionKey(PoolNamespace, runtime), () => WatchAsync(instance, runtime));

        // A take while this one started may have found no room for its refill; look again now that it is idle.
        Refill(runtime);
    }

    /// <summary>Probes <c>/healthz</c> on the platform port (a generic runtime is alive, never "ready") until it answers.</summary>
    private async Task<bool> WaitAliveAsync(LocalInstance instance)
    {
        var started = _context.Time.GetTimestamp();
        var uri = new Uri($"http://{LocalInstance.Host}:{instance.PlatformPort}/healthz");
        while (!_disposed && !instance.Exited.IsCompleted && _context.Time.GetElapsedTime(started) < _context.Options.StartupTimeout)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_context.Options.ProbeTimeout);
                using var response = await _client.GetAsync(uri, timeout.Token).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(AliveProbeInterval, _context.Time).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>An idle instance that exits is replaced; one that was taken is its function's business.</summary>
    private async Task WatchAsync(LocalInstance instance, string runtime)
    {
        await instance.Exited.ConfigureAwait(false);
        bool wasIdle;
        lock (_gate)
        {
            wasIdle = _idle.TryGetValue(runtime, out var list) && list.Remove(instance);
        }

        if (wasIdle || instance.Spec.Key.Namespace == PoolNamespace)
        {
            // Never adopted by a function (idle, evicted, or its specialization failed): nobody else forgets it.
            _context.LiveInstances.TryRemove(instance.Id, out _);
            LogRetention.Prune(
                _context.Layout.LogDirectory(new FunctionKey(PoolNamespace, runtime)),
                _context.LiveInstances.ContainsKey,
                _context.Options.RetainedExitedInstanceLogs,
                _context.Logger);
        }

        if (wasIdle)
        {
            LocalBackendLog.PoolInstanceExited(_context.Logger, instance.Id, runtime);
            await Task.Delay(RefillRetry, _context.Time).ConfigureAwait(false);
            Refill(runtime);
        }
    }
}
