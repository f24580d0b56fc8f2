using Microsoft.Extensions.Logging;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Processes;

/// <summary>The local backend's log events (ids 3100–3199).</summary>
internal static partial class LocalBackendLog
{
    [LoggerMessage(LocalEventIds.InstanceStarted, LogLevel.Information, "Started instance {InstanceId} of {Function} (revision {Revision}): pid {Pid}, port {Port}")]
    public static partial void InstanceStarted(ILogger logger, FunctionKey function, string instanceId, string revision, int pid, int port);

    [LoggerMessage(LocalEventIds.InstanceReady, LogLevel.Information, "Instance {InstanceId} of {Function} is ready after {ElapsedMs} ms: pid {Pid}, port {Port}")]
    public static partial void InstanceReady(ILogger logger, FunctionKey function, string instanceId, int pid, int port, long elapsedMs);

    [LoggerMessage(LocalEventIds.InstanceNotReady, LogLevel.Warning, "Instance {InstanceId} of {Function} stopped answering /readyz: pid {Pid}, port {Port}")]
    public static partial void InstanceNotReady(ILogger logger, FunctionKey function, string instanceId, int pid, int port);

    [LoggerMessage(LocalEventIds.InstanceStopped, LogLevel.Information, "Instance {InstanceId} of {Function} exited as asked: pid {Pid}, exit code {ExitCode}")]
    public static partial void InstanceStopped(ILogger logger, FunctionKey function, string instanceId, int pid, int exitCode);

    [LoggerMessage(LocalEventIds.InstanceCrashed, LogLevel.Warning, "Instance {InstanceId} of {Function} exited unexpectedly: pid {Pid}, exit code {ExitCode}")]
    public static partial void InstanceCrashed(ILogger logger, FunctionKey function, string instanceId, int pid, int exitCode);

    [LoggerMessage(LocalEventIds.Restarting, LogLevel.Information, "Restarting {Function} in {DelayMs} ms (consecutive failures: {Failures})")]
    public static partial void Restarting(ILogger logger, FunctionKey function, long delayMs, int failures);

    [LoggerMessage(LocalEventIds.InstanceDraining, LogLevel.Information, "Draining instance {InstanceId} of {Function}: pid {Pid}, SIGTERM, killed after {GraceMs} ms")]
    public static partial void InstanceDraining(ILogger logger, FunctionKey function, string instanceId, int pid, long graceMs);

    [LoggerMessage(LocalEventIds.InstanceKilled, LogLevel.Warning, "Killed instance {InstanceId} of {Function} (pid {Pid}): {Reason}")]
    public static partial void InstanceKilled(ILogger logger, FunctionKey function, string instanceId, int pid, string reason);

    [LoggerMessage(LocalEventIds.RuntimeUnavailable, LogLevel.Error, "Cannot start {Function}: {Message}")]
    public static partial void RuntimeUnavailable(ILogger logger, FunctionKey function, string message);

    [LoggerMessage(LocalEventIds.SetprivMissing, LogLevel.Warning, "{SetprivPath} not found: instances start without a parent-death signal and may outlive a platform that is killed")]
    public static partial void SetprivMissing(ILogger logger, string? setprivPath);

    [LoggerMessage(LocalEventIds.OrphanKilled, LogLevel.Warning, "Killed orphan instance process {Pid} left by an earlier run (pid file {PidFile})")]
    public static partial void OrphanKilled(ILogger logger, int pid, string pidFile);

    [LoggerMessage(LocalEventIds.PidFileMalformed, LogLevel.Warning, "Ignoring malformed pid file {PidFile}")]
    public static partial void PidFileMalformed(ILogger logger, string pidFile);

    [LoggerMessage(LocalEventIds.OutputLinesDropped, LogLevel.Warning, "Instance {InstanceId}: {Count} line(s) of its output were lost while its log could not be written (a full disk?); writing again")]
    public static partial void OutputLinesDropped(ILogger logger, string instanceId, long count);

    [LoggerMessage(LocalEventIds.OutputPumpFailed, LogLevel.Error, "Reading the output of instance {InstanceId} ({Stream}) failed")]
    public static partial void OutputPumpFailed(ILogger logger, string instanceId, string stream, Exception exception);

    [LoggerMessage(LocalEventIds.SupervisionFailed, LogLevel.Error, "Supervising {Function} failed; it is retried at the next event")]
    public static partial void SupervisionFailed(ILogger logger, FunctionKey function, Exception exception);

    [LoggerMessage(LocalEventIds.ScaleOfMissingWorkload, LogLevel.Debug, "Scale of {Function} to {Replicas} ignored: no such workload")]
    public static partial void ScaleOfMissingWorkload(ILogger logger, FunctionKey function, int replicas);

    [LoggerMessage(LocalEventIds.PruneFailed, LogLevel.Warning, "Could not delete log file {Path}")]
    public static partial void LogPruneFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(LocalEventIds.PidFileFailed, LogLevel.Warning, "Could not write or delete pid file {Path}")]
    public static partial void PidFileFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(LocalEventIds.SandboxOff, LogLevel.Warning, "The function sandbox is OFF: instances run as the platform's user, with its file access and its view of every process")]
    public static partial void SandboxOff(ILogger logger);

    [LoggerMessage(LocalEventIds.SandboxOn, LogLevel.Information, "Function sandbox: bubblewrap {Bwrap}, instances run as {Identity}")]
    public static partial void SandboxOn(ILogger logger, string bwrap, string identity);

    [LoggerMessage(LocalEventIds.CgroupsUnavailable, LogLevel.Warning, "Resource limits cannot be enforced: {Reason}; Functions with limits show ResourcesEnforced=False")]
    public static partial void CgroupsUnavailable(ILogger logger, string reason);

    [LoggerMessage(LocalEventIds.CgroupsOn, LogLevel.Information, "Instance cgroups: {Version} with {Controllers}")]
    public static partial void CgroupsOn(ILogger logger, string version, string controllers);

    [LoggerMessage(LocalEventIds.CgroupAttachFailed, LogLevel.Error, "Instance {InstanceId} could not join its cgroup; it is killed")]
    public static partial void CgroupAttachFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(LocalEventIds.CgroupRemoveFailed, LogLevel.Warning, "Could not remove the cgroup of instance {InstanceId}; the next start on this state directory removes it")]
    public static partial void CgroupRemoveFailed(ILogger logger, string instanceId);

    [LoggerMessage(LocalEventIds.InstanceCapReached, LogLevel.Warning, "{Function} wants more instances but the platform runs {Running}, its max-instances; starting more once some stop")]
    public static partial void InstanceCapReached(ILogger logger, FunctionKey function, int running);

    [LoggerMessage(LocalEventIds.SetsidMissing, LogLevel.Warning, "{SetsidPath} not found: unsandboxed instances start without a process group of their own")]
    public static partial void SetsidMissing(ILogger logger, string? setsidPath);

    [LoggerMessage(LocalEventIds.PoolInstanceReady, LogLevel.Debug, "Pool instance {InstanceId} of runtime {Runtime} is up and idle: pid {Pid}")]
    public static partial void PoolInstanceReady(ILogger logger, string instanceId, string runtime, int pid);

    [LoggerMessage(LocalEventIds.PoolDeclined, LogLevel.Information, "{Function} starts an instance of its own, not a pooled one: {Reason}")]
    public static partial void PoolDeclined(ILogger logger, FunctionKey function, string reason);

    [LoggerMessage(LocalEventIds.PoolStartFailed, LogLevel.Warning, "A pool instance of runtime {Runtime} could not start: {Problem}")]
    public static partial void PoolStartFailed(ILogger logger, string runtime, string problem);

    [LoggerMessage(LocalEventIds.PoolInstanceExited, LogLevel.Warning, "Idle pool instance {InstanceId} of runtime {Runtime} exited; replacing it")]
    public static partial void PoolInstanceExited(ILogger logger, string instanceId, string runtime);

    [LoggerMessage(LocalEventIds.PoolInstanceEvicted, LogLevel.Information, "Killed idle pool instance {InstanceId} of runtime {Runtime} to make room under max-instances")]
    public static partial void PoolInstanceEvicted(ILogger logger, string instanceId, string runtime);

    [LoggerMessage(LocalEventIds.Specialized, LogLevel.Information, "Specialized pool instance {InstanceId} into {Function} (revision {Revision}) in {ElapsedMs} ms: pid {Pid}, port {Port}")]
    public static partial void Specialized(ILogger logger, FunctionKey function, string instanceId, string revision, long elapsedMs, int pid, int port);

    [LoggerMessage(LocalEventIds.SpecializationFailed, LogLevel.Warning, "{Function}: {Problem}; the instance is killed")]
    public static partial void SpecializationFailed(ILogger logger, FunctionKey function, string problem);

    [LoggerMessage(LocalEventIds.StagingRemoveFailed, LogLevel.Warning, "Could not remove the pool staging directory {Path}")]
    public static partial void StagingRemoveFailed(ILogger logger, string path, Exception exception);
}
