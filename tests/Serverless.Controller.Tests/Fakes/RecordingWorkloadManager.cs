using Serverless.Core.Contracts;

namespace Serverless.Controller.Tests.Fakes;

/// <summary>
/// Records what the reconciler asks of the workload manager (<c>ensure {key} replicas={n}</c>, <c>delete {key}</c>)
/// and reports a fixed observed status, with injectable failures.
/// </summary>
internal sealed class RecordingWorkloadManager : IWorkloadManager
{
    public List<string> Calls { get; } = [];

    /// <summary>The spec of every ensure call, in order.</summary>
    public List<WorkloadSpec> Ensured { get; } = [];

    /// <summary>What <see cref="GetStatus"/> answers for every key.</summary>
    public WorkloadStatus? Observed { get; set; }

    /// <summary>Thrown by every ensure call, after it is recorded.</summary>
    public Exception? EnsureFailure { get; set; }

    /// <summary>Thrown by every delete call, after it is recorded.</summary>
    public Exception? DeleteFailure { get; set; }

    // The reconciler never subscribes (its controller does): nothing to raise.
    public event Action<FunctionKey>? StatusChanged
    {
        add { }
        remove { }
    }

    public Task EnsureAsync(WorkloadSpec spec, int replicasIfCreated, CancellationToken cancellationToken = default)
    {
        Calls.Add($"ensure {spec.Key} replicas={replicasIfCreated}");
        Ensured.Add(spec);
        return EnsureFailure is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }

    public Task DeleteAsync(FunctionKey key, CancellationToken cancellationToken = default)
    {
        Calls.Add($"delete {key}");
        return DeleteFailure is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }

    /// <summary>When set, <see cref="Observed"/> is reported for the Function's key (default/hello) only; other keys have no workload.</summary>
    public bool ObservedOnlyForFunction { get; set; }

    /// <summary>Per-key statuses, answered before <see cref="Observed"/> (a split's revision workloads).</summary>
    public Dictionary<FunctionKey, WorkloadStatus> ByKey { get; } = [];

    public WorkloadStatus? GetStatus(FunctionKey key) => ByKey.TryGetValue(key, out var own) ? own : !ObservedOnlyForFunction || key == new FunctionKey("default", "hello") ? Observed : null;
}
