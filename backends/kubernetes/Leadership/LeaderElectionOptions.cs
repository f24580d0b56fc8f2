namespace Serverless.Backends.Kubernetes.Leadership;

/// <summary>
/// Lease-based leader election, keys as Knative's <c>config-leader-election</c>
/// (<c>lease-duration</c>, <c>renew-deadline</c>, <c>retry-period</c>); defaults are client-go's.
/// </summary>
public sealed record LeaderElectionOptions
{
    /// <summary>Namespace of the Lease. Default <c>serverless-system</c>.</summary>
    public string Namespace { get; init; } = "serverless-system";

    /// <summary>Name of the Lease (<c>serverless-controller</c>, or <c>serverless-autoscaler</c>). Default <c>serverless-controller</c>.</summary>
    public string LeaseName { get; init; } = "serverless-controller";

    /// <summary>This instance's identity in the Lease, the pod name in a cluster.</summary>
    public required string Identity { get; init; }

    /// <summary><c>lease-duration</c>: how long a lease not renewed keeps others out. Default 15 s.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary><c>renew-deadline</c>: how long the leader keeps trying to renew before it gives up leading. Default 10 s.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>retry-period</c>: the interval between attempts to acquire or renew. Default 2 s.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws when the durations cannot work together (a leader must renew before its lease runs out).</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Identity))
        {
            throw new ArgumentException("leader election identity is empty: set it to the pod name");
        }

        if (RetryPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException($"retry-period = {RetryPeriod.TotalSeconds}s, must be greater than 0");
        }

        if (RenewDeadline <= RetryPeriod)
        {
            throw new ArgumentException($"renew-deadline = {RenewDeadline.TotalSeconds}s, must be greater than retry-period ({RetryPeriod.TotalSeconds}s)");
        }

        if (LeaseDuration <= RenewDeadline)
        {
            throw new ArgumentException($"lease-duration = {LeaseDuration.TotalSeconds}s, must be greater than renew-deadline ({RenewDeadline.TotalSeconds}s)");
        }
    }
}
