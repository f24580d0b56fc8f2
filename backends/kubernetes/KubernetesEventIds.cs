namespace Serverless.Backends.Kubernetes;

/// <summary>
/// The event ids of every log message of this assembly, one table so that none is used twice.
/// Ranges: 500–599 workloads, 600–699 leadership, 700–799 Kubernetes Events, 800–899 artifact collection, 900–949 warm pools.
/// </summary>
internal static class KubernetesEventIds
{
    public const int WorkloadCreated = 500;
    public const int WorkloadUpdated = 501;
    public const int WorkloadRetrying = 502;
    public const int WorkloadDeleted = 503;
    public const int WorkloadNotOwned = 504;

    public const int StartedLeading = 600;
    public const int StoppedLeading = 601;
    public const int NewLeader = 602;
    public const int ElectionFailed = 603;
    public const int LeaderWorkFailed = 604;
    public const int ElectionFailing = 605;
    public const int ElectionReconnected = 606;
    public const int RenewalFailed = 607;
    public const int LeaseReleased = 608;
    public const int LeaseReleaseFailed = 609;
    public const int LeaderWorkEnded = 610;

    public const int EventDropped = 700;
    public const int EventWriteFailed = 701;

    public const int ArtifactDeleted = 800;
    public const int ArtifactDeleteFailed = 801;
    public const int ArtifactOwned = 802;
    public const int ArtifactOwnersFailed = 803;

    public const int PoolCreated = 900;
    public const int PoolUpdated = 901;
    public const int PoolDeleted = 902;
    public const int PoolPassFailed = 903;
    public const int PoolQuotaLimited = 904;
    public const int PoolQuotaCleared = 905;
    public const int PoolPodsRejected = 906;
    public const int PoolLimitRangeRefused = 907;
    public const int PoolSpecialized = 910;
    public const int PoolSpecializationFailed = 911;
    public const int PoolClaimLost = 912;
    public const int PoolPodRetired = 913;
}
