using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serverless.Backends.Local.Cgroups;
using Serverless.Backends.Local.Sandbox;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Processes;

/// <summary>What every <see cref="FunctionWorkload"/> of one backend shares.</summary>
internal sealed class LocalBackendContext
{
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private readonly Action<FunctionKey> _endpointsChanged;
    private readonly Action<FunctionKey> _statusChanged;
    private long _sequence;

    public LocalBackendContext(
        LocalBackendOptions options,
        IReadOnlyDictionary<string, RuntimeCommand> runtimeCommands,
        string? setprivPath,
        string? setsidPath,
        SandboxProfile? sandbox,
        CgroupTree? cgroups,
        string? cgroupsUnavailable,
        TimeProvider time,
        ILogger logger,
        Action<FunctionKey> endpointsChanged,
        Action<FunctionKey> statusChanged)
    {
        Options = options;
        RuntimeCommands = runtimeCommands;
        SetprivPath = setprivPath;
        SetsidPath = setsidPath;
        Sandbox = sandbox;
        Cgroups = cgroups;
        CgroupsUnavailable = cgroupsUnavailable;
        Time = time;
        Logger = logger;
        Layout = new StateLayout(options.StateDirectory);
        Prober = new ReadinessProber(options.ProbeTimeout, time);
        Spawner = new ProcessSpawner();
        Runtimes = new RuntimeInstallations(sandbox?.SystemMounts ?? SystemMounts.Discover(), Spawner);
        _endpointsChanged = endpointsChanged;
        _statusChanged = statusChanged;
    }

    public LocalBackendOptions Options { get; }

    public IReadOnlyDictionary<string, RuntimeCommand> RuntimeCommands { get; }

    /// <summary>Null when children start without the parent-death signal.</summary>
    public string? SetprivPath { get; }

    /// <summary>Null when unsandboxed instances start without their own process group.</summary>
    public string? SetsidPath { get; }

    /// <summary>Null when the sandbox is off.</summary>
    public SandboxProfile? Sandbox { get; }

    /// <summary>Null when instances get no cgroup (then <see cref="CgroupsUnavailable"/> says why).</summary>
    public CgroupTree? Cgroups { get; }

    public string? CgroupsUnavailable { get; }

    public RuntimeInstallations Runtimes { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public StateLayout Layout { get; }

    public ReadinessProber Prober { get; }

    public ProcessSpawner Spawner { get; }

    /// <summary>Null when there is no pool (pool-size 0).</summary>
    public WarmPool? Pool { get; set; }

    /// <summary>Every instance not yet exited, of every workload (deleted ones still draining included).</summary>
    public ConcurrentDictionary<string, LocalInstance> LiveInstances { get; } = new(StringComparer.Ordinal);

    public long NextSequence() => Interlocked.Increment(ref _sequence);

    public void RaiseEndpointsChanged(FunctionKey key) => _endpointsChanged(key);

    public void RaiseStatusChanged(FunctionKey key) => _statusChanged(key);

    /// <summary>What the <c>ResourcesEnforced</c> condition says for a spec here; null when it sets no limit.</summary>
    public ResourceEnforcement? ResourceEnforcement(WorkloadSpec spec) =>
        ResourceEnforcementPolicy.Decide(
            spec.Resources, Cgroups?.Version, Cgroups?.Controllers ?? new HashSet<string>(), CgroupsUnavailable, Sandbox is not null);

    /// <summary>The platform's whole environment: <see cref="InstanceLaunchBuilder"/> passes on only its allow-list.</summary>
    public IEnumerable<KeyValuePair<string, string>> PlatformEnvironment()
    {
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            yield return new((string)entry.Key, (string?)entry.Value ?? "");
        }
    }

    /// <summary>
    /// Runs supervision work off the caller's thread; a failure is logged, never lost. Tracked so disposal can
    /// wait for it before tearing down the prober and spawner.
    /// </summary>
    public void RunBackground(FunctionKey key, Func<Task> work)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LocalBackendLog.SupervisionFailed(Logger, key, e);
            }
        });
        _background[task] = 0;
        _ = task.ContinueWith(t => _background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when the background work running now has finished, or after <paramref name="timeout"/>.</summary>
    public Task WaitForBackgroundAsync(TimeSpan timeout) =>
        Task.WhenAny(Task.WhenAll(_background.Keys), Task.Delay(timeout, Time));
}
