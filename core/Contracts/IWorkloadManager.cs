namespace Serverless.Core.Contracts;

/// <summary>
/// What runs: the controller's side of a function's workload. Local mode: the supervisor of runtime processes
/// on loopback ports. Kubernetes mode: a Deployment and a Service per function, owned by the Function; an object
/// with the function's name that another owner controls is never touched. How many instances run is
/// <see cref="IWorkloadScaler"/>'s business, so nothing here changes the replica count of a workload that exists.
/// </summary>
/// <remarks>Was IWorkloadBackend (its Ensure/Delete/status half); one backend may implement both contracts.</remarks>
public interface IWorkloadManager
{
    /// <summary>
    /// Creates the workload, or rolls it to a new <see cref="WorkloadSpec.Revision"/>: new instances
    /// start first and the old ones are drained once replacements are ready. Idempotent.
    /// <paramref name="replicasIfCreated"/> is used only when the workload did not exist yet.
    /// </summary>
    Task EnsureAsync(WorkloadSpec spec, int replicasIfCreated, CancellationToken cancellationToken = default);

    /// <summary>Drains and removes every instance. Idempotent.</summary>
    Task DeleteAsync(FunctionKey key, CancellationToken cancellationToken = default);

    /// <summary>Current observed state, or null when no workload exists.</summary>
    WorkloadStatus? GetStatus(FunctionKey key);

    /// <summary>
    /// Raised (on any thread) whenever a workload's status changes: an instance started, turned ready, crashed,
    /// stopped, or (Kubernetes) someone edited or deleted a managed object. The controller reconciles the
    /// function again, which is how drift gets corrected.
    /// </summary>
    event Action<FunctionKey>? StatusChanged;
}
