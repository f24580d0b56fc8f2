namespace Serverless.Core.Contracts;

/// <summary>
/// How many instances run: the autoscaler's side of a function's workload. Kubernetes mode: the Deployment's
/// scale subresource, with the busiest pods marked expensive to delete first. Local mode: the process
/// supervisor, draining the idlest instances first. What runs is <see cref="IWorkloadManager"/>'s business.
/// </summary>
/// <remarks>Was IWorkloadBackend (its Scale/status half); one backend may implement both contracts.</remarks>
public interface IWorkloadScaler
{
    /// <summary>
    /// Sets the desired instance count. Scaling down drains instances, idle ones first: an instance leaves the
    /// ready set before it is stopped, so no new request is sent to it.
    /// </summary>
    Task ScaleAsync(FunctionKey key, int replicas, CancellationToken cancellationToken = default);

    /// <summary>Current observed state, or null when no workload exists.</summary>
    WorkloadStatus? GetStatus(FunctionKey key);

    /// <summary>
    /// Raised (on any thread) when a workload's status changes, its creation included (Kubernetes: the Deployment's
    /// informer event). A scale from zero asked for before the workload existed is applied then.
    /// </summary>
    event Action<FunctionKey>? StatusChanged;
}
