namespace Serverless.Backends.Local;

/// <summary>
/// The event ids of every log message of this assembly, one table so that none is used twice
/// (tests check every assembly's table against its <c>[LoggerMessage]</c> methods).
/// Ranges: 500–509 the SQLite resource store, 3100–3199 instances (processes, sandbox, cgroups).
/// </summary>
internal static class LocalEventIds
{
    public const int DatabaseOpened = 500;
    public const int SchemaMigrated = 501;
    public const int WatchersFellBehind = 502;
    public const int WatchExpired = 503;

    public const int InstanceStarted = 3100;
    public const int InstanceReady = 3101;
    public const int InstanceNotReady = 3102;
    public const int InstanceStopped = 3103;
    public const int InstanceCrashed = 3104;
    public const int Restarting = 3105;
    public const int InstanceDraining = 3106;
    public const int InstanceKilled = 3107;
    public const int RuntimeUnavailable = 3108;
    public const int SetprivMissing = 3109;

    public const int OrphanKilled = 3110;
    public const int PidFileMalformed = 3111;
    public const int OutputPumpFailed = 3112;
    public const int SupervisionFailed = 3113;
    public const int ScaleOfMissingWorkload = 3114;
    public const int PruneFailed = 3115;
    public const int PidFileFailed = 3116;
    public const int SandboxOff = 3117;
    public const int SandboxOn = 3118;
    public const int CgroupsUnavailable = 3119;

    public const int CgroupsOn = 3120;
    public const int CgroupAttachFailed = 3121;
    public const int CgroupRemoveFailed = 3122;
    public const int InstanceCapReached = 3123;
    public const int SetsidMissing = 3124;
    public const int OutputLinesDropped = 3125;
    public const int PoolInstanceReady = 3126;
    public const int PoolStartFailed = 3127;
    public const int PoolInstanceExited = 3128;
    public const int PoolInstanceEvicted = 3129;

    public const int Specialized = 3130;
    public const int SpecializationFailed = 3131;
    public const int StagingRemoveFailed = 3132;
    public const int PoolDeclined = 3133;
}
