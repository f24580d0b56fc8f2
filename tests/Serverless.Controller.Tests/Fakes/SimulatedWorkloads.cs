using Serverless.Core.Contracts;

namespace Serverless.Controller.Tests.Fakes;

/// <summary>
/// A workload manager that remembers what it runs, as the local supervisor does: an ensure of a key it does not run
/// (or with another revision hash) starts a new incarnation, standing for new processes; an ensure of the same key
/// and hash changes nothing; a delete removes the key. Readiness is the test's to set, per key.
/// </summary>
internal sealed class SimulatedWorkloads : IWorkloadManager
{
    private readonly Dictionary<FunctionKey, (WorkloadSpec Spec, int Incarnation, int Desired, int Ready)> _running = [];
    private int _incarnations;

    public List<string> Calls { get; } = [];

    // The reconciler never subscribes (its controller does): nothing to raise.
    public event Action<FunctionKey>? StatusChanged
    {
        add { }
        remove { }
    }

    public IReadOnlyCollection<FunctionKey> Keys => _running.Keys;

    /// <summary>
    /// The first ensure of each key creates nothing, as the Kubernetes manager's when the Revision that owns the
    /// workload has not reached its cache yet (the next pass creates it).
    /// </summary>
    public bool DeferFirstEnsure { get; init; }

    private readonly HashSet<FunctionKey> _deferred = [];

    /// <summary>Which incarnation (processes) runs under <paramref name="key"/>; 0 when nothing does.</summary>
    public int Incarnation(FunctionKey key) => _running.TryGetValue(key, out var w) ? w.Incarnation : 0;

    /// <summary>Starts a workload as an older platform left it (one the reconciler did not ensure).</summary>
    public void Adopt(WorkloadSpec spec, int replicas) => _running[spec.Key] = (spec, ++_incarnations, replicas, replicas);

    /// <summary>Every instance of <paramref name="key"/> is ready.</summary>
    public void MarkReady(FunctionKey key)
    {
        var w = _running[key];
        _running[key] = w with { Ready = w.Desired };
    }

    public Task EnsureAsync(WorkloadSpec spec, int replicasIfCreated, CancellationToken cancellationToken = default)
    {
        Calls.Add($"ensure {spec.Key} replicas={replicasIfCreated}");
        if (DeferFirstEnsure && _deferred.Add(spec.Key))
        {
            return Task.CompletedTask;
        }
        if (!_running.TryGetValue(spec.Key, out var w) || w.Spec.Revision != spec.Revision)
        {
            _running[spec.Key] = (spec, ++_incarnations, replicasIfCreated, 0);
        }
        else
        {
            _running[spec.Key] = w with { Spec = spec };
        }

        return Task.CompletedTask;
    }

    public Task DeleteAsync(FunctionKey key, CancellationToken cancellationToken = default)
    {
        if (_running.Remove(key))
        {
            Calls.Add($"delete {key}");
        }

        return Task.CompletedTask;
    }

    public WorkloadStatus? GetStatus(FunctionKey key) =>
        _running.TryGetValue(key, out var w)
            ? new WorkloadStatus { Revision = w.Spec.Revision, DesiredReplicas = w.Desired, Replicas = w.Desired, ReadyReplicas = w.Ready }
            : null;
}
