namespace Serverless.Core.Contracts;

/// <summary>What the backend observes of one function's workload.</summary>
public sealed record WorkloadStatus
{
    public required string Revision { get; init; }

    /// <summary>Instances wanted.</summary>
    public required int DesiredReplicas { get; init; }

    /// <summary>Instances running (started, not yet stopped), of any revision.</summary>
    public required int Replicas { get; init; }

    /// <summary>Instances of the current revision answering readiness.</summary>
    public required int ReadyReplicas { get; init; }

    /// <summary>Set while instances keep failing to start or crash; the reason and the last log lines.</summary>
    public WorkloadFailure? Failure { get; init; }

    /// <summary>
    /// Whether the backend enforces the spec's resource limits; null when the spec sets none, or when the backend
    /// enforces them by construction (Kubernetes puts them in the pod spec).
    /// </summary>
    public ResourceEnforcement? Resources { get; init; }
}

public enum WorkloadFailureReason
{
    /// <summary>The instance exited before turning ready.</summary>
    StartFailed,

    /// <summary>Instances keep crashing and are being restarted with backoff.</summary>
    CrashLoop,

    /// <summary>The runtime cannot be started at all (missing runtime, bad artifact path).</summary>
    RuntimeUnavailable,

    /// <summary>An instance went over its memory limit and the kernel killed it (Kubernetes' <c>OOMKilled</c>).</summary>
    OOMKilled,
}

public sealed record WorkloadFailure(WorkloadFailureReason Reason, string Message);
