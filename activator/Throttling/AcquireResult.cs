namespace Serverless.Activator.Throttling;

/// <summary>The end of a wait: a lease when <see cref="Status"/> is <see cref="AcquireStatus.Acquired"/>, else why not.</summary>
internal readonly record struct AcquireResult(AcquireStatus Status, InstanceLease? Lease, string? Reason)
{
    public static AcquireResult Granted(InstanceLease lease) => new(AcquireStatus.Acquired, lease, null);

    public static AcquireResult Failed(AcquireStatus status, string reason) => new(status, null, reason);
}
