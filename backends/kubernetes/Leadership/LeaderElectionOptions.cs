namespace Serverless.Backends.Kubernetes.Leadership;

/// <summary>
/// Lease-based leader election, keys as Knative's <c>config-leader-election</c>
/// (<c>lease-duration</c>, <c>renew-deadline</c>, <c>retry-period</c>); defaults are client-go's except the retry
/// period (1 s, not 2 s), which bounds the hand-over after a graceful stop.
/// </summary>
/// <remarks>
/// Worked numbers with the defaults: a leader renews every second and gives up leading when no renewal succeeded
/// for 10 s (the renew deadline), 5 s before any other replica may take the Lease (15 s after it last saw it change).
/// A leader that stops gracefully releases the Lease, and a standby takes it at its next try: within 1 s. After a
/// crash the standby waits out the lease duration: 15 s to 16 s after the last renewal it saw.
/// </remarks>
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

    /// <summary>
    /// <c>retry-period</c>: the interval between attempts to acquire or renew. Default 1 s (client-go's is 2 s): a
    /// standby tries this often, so a released Lease is taken within a second. While the API server cannot be reached,
    /// attempts back off from this period up to twice it.
    /// </summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(1);

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
