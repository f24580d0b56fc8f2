namespace Serverless.Core.Contracts;

/// <summary>
/// Runs function instances. Local mode: a supervisor of runtime processes on loopback ports.
/// Kubernetes mode: a Deployment and a Service per function, scaled through the scale subresource.
/// The controller owns what runs (<see cref="EnsureAsync"/>), the autoscaler owns how many
/// (<see cref="ScaleAsync"/>).
/// </summary>
public interface IWorkloadBackend
{
    /// <summary>
    /// Creates the workload, or rolls it to a new <see cref="WorkloadSpec.Revision"/>: new instances
    /// start first and the old ones are drained once replacements are ready. Idempotent.
    /// <paramref name="replicasIfCreated"/> is used only when the workload did not exist yet.
    /// </summary>
    Task EnsureAsync(WorkloadSpec spec, int replicasIfCreated, CancellationToken cancellationToken = default);

    /// <summary>Sets the desired instance count. Scaling down drains instances, idle ones first.</summary>
    Task ScaleAsync(FunctionKey key, int replicas, CancellationToken cancellationToken = default);

    /// <summary>Drains and removes every instance. Idempotent.</summary>
    Task DeleteAsync(FunctionKey key, CancellationToken cancellationToken = default);

    /// <summary>Current observed state, or null when no workload exists.</summary>
    WorkloadStatus? GetStatus(FunctionKey key);

    /// <summary>Raised (on any thread) whenever a workload's status changes: an instance started, turned ready, crashed, stopped.</summary>
    event Action<FunctionKey>? StatusChanged;
}
