using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Processes;

/// <summary>What every <see cref="FunctionWorkload"/> of one backend shares.</summary>
internal sealed class LocalBackendContext
{
    private readonly ConcurrentDictionary<Task, byte> background = new();
    private readonly Action<FunctionKey> endpointsChanged;
    private readonly Action<FunctionKey> statusChanged;
    private long sequence;

    public LocalBackendContext(
        LocalBackendOptions options,
        IReadOnlyDictionary<string, RuntimeCommand> runtimeCommands,
        string? setprivPath,
        TimeProvider time,
        ILogger logger,
        Action<FunctionKey> endpointsChanged,
        Action<FunctionKey> statusChanged)
    {
        Options = options;
        RuntimeCommands = runtimeCommands;
        SetprivPath = setprivPath;
        Time = time;
        Logger = logger;
        Layout = new StateLayout(options.StateDirectory);
        Prober = new ReadinessProber(options.ProbeTimeout, time);
        Spawner = new ProcessSpawner();
        this.endpointsChanged = endpointsChanged;
        this.statusChanged = statusChanged;
    }

    public LocalBackendOptions Options { get; }

    public IReadOnlyDictionary<string, RuntimeCommand> RuntimeCommands { get; }

    /// <summary>Null when children start without the parent-death signal.</summary>
    public string? SetprivPath { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public StateLayout Layout { get; }

    public ReadinessProber Prober { get; }

    public ProcessSpawner Spawner { get; }

    /// <summary>Every instance not yet exited, of every workload (deleted ones still draining included).</summary>
    public ConcurrentDictionary<string, LocalInstance> LiveInstances { get; } = new(StringComparer.Ordinal);

    public long NextSequence() => Interlocked.Increment(ref sequence);

    public void RaiseEndpointsChanged(FunctionKey key) => endpointsChanged(key);

    public void RaiseStatusChanged(FunctionKey key) => statusChanged(key);

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
        background[task] = 0;
        _ = task.ContinueWith(t => background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when the background work running now has finished, or after <paramref name="timeout"/>.</summary>
    public Task WaitForBackgroundAsync(TimeSpan timeout) =>
        Task.WhenAny(Task.WhenAll(background.Keys), Task.Delay(timeout, Time));
}
