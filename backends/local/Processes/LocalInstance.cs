using System.Globalization;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Serverless.Backends.Local.Cgroups;
using Serverless.Backends.Local.Sandbox;
using Serverless.Core.Contracts;
using Serverless.Hosting.Processes;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// One runtime process: its port, log, pid file and exit. Lifecycle flags (<see cref="State"/>,
/// <see cref="StopRequested"/>, …) are changed only by the owning <see cref="FunctionWorkload"/> under its lock;
/// <see cref="State"/> is also read without it by the probe loop, which re-checks under the lock before acting.
/// </summary>
/// <remarks>
/// Sandboxed, three processes make an instance: bubblewrap (the process started, whose exit is the instance's),
/// its init (PID 1 of the instance's namespace) and the runtime, init's child. The drain's SIGTERM goes to the
/// runtime, since bubblewrap forwards no signal; a kill goes to bubblewrap and the cgroup, and the namespace's
/// end takes every other process with it. Unsandboxed, the runtime is the process started, and the leader of
/// its own process group.
/// </remarks>
internal sealed class LocalInstance
{
    /// <summary>Instances listen on loopback only: the activator in the same host is their one client.</summary>
    public const string Host = "127.0.0.1";

    /// <summary>How long an exit waits for the output pumps to reach EOF (a grandchild may keep the pipes open).</summary>
    private static readonly TimeSpan PumpDrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>bubblewrap reports its init within milliseconds; this only bounds a sandbox that hangs while setting up.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long to look for the runtime under the sandbox's init once it was released.</summary>
    private static readonly TimeSpan PayloadLookupTimeout = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly object _processGate = new();
    private volatile LocalInstanceState _state = LocalInstanceState.Starting;
    private Process? _process;
    private bool _exited;
    private bool _sandboxed;
    private bool _ownProcessGroup;
    private int _initPid;
    private int _payloadPid;
    private InstanceCgroup? _cgroup;

    public LocalInstance(
        string id,
        long sequence,
        WorkloadSpec spec,
        int port,
        int platformPort,
        string logPath,
        string pidFilePath,
        long logMaxBytes,
        TimeProvider time,
        ILogger logger,
        Action<FunctionKey, string>? outputLineDropped = null)
    {
        Id = id;
        Sequence = sequence;
        Spec = spec;
        Port = port;
        PlatformPort = platformPort;
        PidFilePath = pidFilePath;
        _time = time;
        _logger = logger;
        Log = new InstanceLogWriter(logPath, logMaxBytes, time);
        if (outputLineDropped is not null)
        {
            // The Function and the revision, not the workload's key (a revision's name since every revision is one).
            Log.LineDropped += () => outputLineDropped(spec.FunctionKey, spec.RevisionName ?? "");
        }

        Log.Recovered += count => LocalBackendLog.OutputLinesDropped(logger, id, count);
    }

    /// <summary>The instance's name; a pool instance's <c>pool-{runtime}-{n}</c> until <see cref="Adopt"/> gives it its function's.</summary>
    public string Id { get; private set; }

    public long Sequence { get; }

    /// <summary>The pool instance this one was before <see cref="Adopt"/> made it its function's; null if started for it.</summary>
    public string? PoolId { get; private set; }

    /// <summary>The function's; a pool instance's placeholder until <see cref="Adopt"/>.</summary>
    public WorkloadSpec Spec { get; private set; }

    public string Revision => Spec.Revision;

    /// <summary>A generic (pool) instance's token for <c>POST /specialize</c> on its platform port; null otherwise.</summary>
    public string? SpecializeToken { get; init; }

    /// <summary>
    /// A sandboxed pool instance's function directory, bound read-only into its sandbox, filled at its specialization
    /// (<see cref="ArtifactStaging"/>); removed once the instance exited. Null otherwise.
    /// </summary>
    public string? StagingDirectory { get; init; }

    /// <summary>
    /// Makes a specialized pool instance its function's: its id (<paramref name="id"/>, named as the function's own
    /// instances are, so that logs, <c>func top</c> and status show it as one of them), the spec (drain grace, status,
    /// usage) and the log, which moves under the function's log directory. Called before the instance is published to
    /// the function's workload. Its pid file, cgroup and staging directory keep the pool's name: only the platform
    /// sees those.
    /// </summary>
    public void Adopt(WorkloadSpec spec, string id, string logPath)
    {
        PoolId = Id;
        Id = id;
        Spec = spec;
        Log.MoveTo(logPath);
    }

    public int Port { get; }

    /// <summary>PLATFORM_PORT: the readiness probe and the metrics; never handed to the activator.</summary>
    public int PlatformPort { get; }

    public string PidFilePath { get; }

    public InstanceLogWriter Log { get; }

    /// <summary>The runtime's pid (sandboxed: inside the sandbox, as the host numbers it), else the process started.</summary>
    public int Pid => _payloadPid > 0 ? _payloadPid : LaunchedPid;

    /// <summary>The process the backend started and waits for: bubblewrap, or the runtime when unsandboxed.</summary>
    public int LaunchedPid { get; private set; }

    /// <summary>Set before <see cref="Exited"/> completes: the kernel's OOM killer killed a process of the instance.</summary>
    public bool OomKilled { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public LocalInstanceState State
    {
        get => _state;
        set => _state = value;
    }

    public bool EverReady { get; set; }

    /// <summary>The supervisor asked it to stop: its exit is expected and not a failure.</summary>
    public bool StopRequested { get; set; }

    /// <summary>Why the supervisor killed it, when that was not a drain (e.g. the startup timeout).</summary>
    public string? KillReason { get; set; }

    /// <summary>Cancelled once the instance drains or exits; stops its readiness probes.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>The exit code, once the process exited and its output is in the log.</summary>
    public Task<int> Exited { get; private set; } = Task.FromResult(-1);

    public InstanceEndpoint Endpoint => new(Id, Host, Port, Spec.ContainerConcurrency);

    /// <summary>
    /// CPU time and memory of the instance now: from its cgroup, which counts every process of it; else from its
    /// runtime's <c>/proc</c> entry (the runtime alone, which is what a function's work runs in).
    /// </summary>
    public InstanceUsage ReadUsage()
    {
        var cgroup = _cgroup;
        var pid = Pid;
        var cpu = cgroup?.CpuSeconds() ?? (pid > 0 ? ProcStat.TryReadCpuSeconds(pid) : null);
        var memory = cgroup?.MemoryBytes() ?? (pid > 0 ? ResidentBytes(pid) : null);
        var resources = Spec.Resources;
        var request = resources.CpuRequestMillicores ?? resources.CpuLimitMillicores ?? 1000;
        return new InstanceUsage(Id, State == LocalInstanceState.Ready, cpu, memory, request);
    }

    private static long? ResidentBytes(int pid)
    {
        try
        {
            // statm: size resident shared ... in pages.
            var fields = File.ReadAllText($"/proc/{pid}/statm").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 1 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pages)
                ? pages * Environment.SystemPageSize
                : null;
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }
    }

    /// <summary>
    /// The instance's own cgroup, from its start to its end (null without instance cgroups). A pool instance keeps it
    /// when it is specialized: its function's limits are written into it, so the memory its runtime was charged
    /// before counts against them.
    /// </summary>
    public InstanceCgroup? Cgroup => _cgroup;

    /// <summary>
    /// Starts the process, born inside <paramref name="instanceCgroup"/> where the kernel allows (v1). Otherwise, with
    /// a <paramref name="handshake"/>, waits for the sandbox to exist and moves it into the cgroup before the runtime
    /// starts; unsandboxed, the runtime joins its cgroup right after its start, before it could have loaded function
    /// code. With a handshake, finds the runtime's pid.
    /// </summary>
    public async Task StartAsync(ProcessSpawner spawner, InstanceLaunch launch, InstanceCgroup? instanceCgroup = null, SandboxHandshake? handshake = null)
    {
        var startInfo = new ProcessStartInfo(launch.FileName)
        {
            UseShellExecute = false,
            WorkingDirectory = launch.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in launch.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach (var (name, value) in launch.Environment)
        {
            startInfo.Environment[name] = value;
        }

        _sandboxed = launch.Sandboxed;
        _ownProcessGroup = launch.OwnProcessGroup;
        _cgroup = instanceCgroup;
        var (started, bornInCgroup) = await spawner.StartAsync(startInfo, handshake, instanceCgroup).ConfigureAwait(false);
        lock (_processGate)
        {
            _process = started;
            LaunchedPid = started.Id;
        }

        StartedAt = _time.GetUtcNow();

        // Closed stdin: a runtime must not read the platform's terminal.
        started.StandardInput.Close();
        var stdout = PumpAsync(started.StandardOutput.BaseStream, "stdout", ListeningSaid.Observe);
        var stderr = PumpAsync(started.StandardError.BaseStream, "stderr", null);
        Exited = WatchExitAsync(started, stdout, stderr);

        if (handshake is not null)
        {
            await CompleteHandshakeAsync(handshake, bornInCgroup).ConfigureAwait(false);
        }
        else if (!bornInCgroup)
        {
            AttachToCgroup(LaunchedPid);
        }

        WritePidFile();
    }

    /// <summary>Signals the runtime unless the instance already exited (its pid may then belong to someone else).</summary>
    public bool Signal(int signal)
    {
        lock (_processGate)
        {
            if (_process is null || _exited || _process.HasExited)
            {
                return false;
            }

            if (_sandboxed && _payloadPid <= 0 && _initPid > 0)
            {
                _payloadPid = FirstChild(_initPid) ?? 0;
            }

            return PosixSignals.Send(_sandboxed ? (_payloadPid > 0 ? _payloadPid : LaunchedPid) : LaunchedPid, signal);
        }
    }

    /// <summary>
    /// SIGKILLs the whole instance: the process started (bubblewrap takes its namespace along), its process group
    /// when it has one, and everything in its cgroup.
    /// </summary>
    public void Kill()
    {
        lock (_processGate)
        {
            if (_process is null || _exited || _process.HasExited)
            {
                return;
            }

            PosixSignals.Send(LaunchedPid, PosixSignals.SigKill);
            if (_ownProcessGroup)
            {
                PosixSignals.SendToGroup(LaunchedPid, PosixSignals.SigKill);
            }
        }

        _cgroup?.KillAll();
    }

    public void StopProbing() => _lifetime.Cancel();

    /// <summary>The runtime's "listening on" line on its stdout: while it starts, a reason to probe it at once.</summary>
    public ListeningHint ListeningSaid { get; } = new();

    /// <summary>The first child of a process (bubblewrap's init has one: the runtime; orphans it adopts come later).</summary>
    private static int? FirstChild(int pid)
    {
        try
        {
            var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return children.Length > 0 && int.TryParse(children[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var child)
                ? child
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads the sandbox's init pid, puts bubblewrap and init into the cgroup, lets the sandbox go on, and looks up
    /// the runtime it starts. A sandbox that fails here is killed: it must not run outside its cgroup.
    /// </summary>
    private async Task CompleteHandshakeAsync(SandboxHandshake handshake, bool bornInCgroup)
    {
        try
        {
            if (bornInCgroup)
            {
                // Everything of the sandbox is born in its cgroup: nothing to wait for before the runtime starts.
                handshake.Release();
            }

            if (await handshake.ReadInitPidAsync(HandshakeTimeout).ConfigureAwait(false) is not { } init)
            {
                // bubblewrap exited before it set up (its stderr says why, in the log) or hangs: either way, gone.
                KillReason ??= "the sandbox did not start (see the lines from bwrap above)";
                Kill();
                return;
            }

            lock (_processGate)
            {
                _initPid = init;
            }

            if (!bornInCgroup)
            {
                if (!AttachToCgroup(LaunchedPid, init))
                {
                    KillReason ??= "the sandbox could not join the instance's cgroup";
                    Kill();
                    return;
                }

                handshake.Release();
            }
        }
        finally
        {
            handshake.Dispose();
        }

        var deadline = _time.GetTimestamp();
        while (_time.GetElapsedTime(deadline) < PayloadLookupTimeout && !Exited.IsCompleted)
        {
            if (FirstChild(_initPid) is { } child)
            {
                lock (_processGate)
                {
                    _payloadPid = child;
                }

                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), _time).ConfigureAwait(false);
        }
    }

    /// <summary>False when the cgroup refused a process (it is then not the instance's to run).</summary>
    private bool AttachToCgroup(params int[] pids)
    {
        if (_cgroup is null)
        {
            return true;
        }

        try
        {
            foreach (var pid in pids)
            {
                _cgroup.Attach(pid);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LocalBackendLog.CgroupAttachFailed(_logger, Id, e);
            return false;
        }
    }

    private void WritePidFile()
    {
        // No start time: the process is already gone, and so is any need to reap it later. The pid recorded is
        // the process started: killing it (bubblewrap) ends the sandbox and all in it.
        if (ProcStat.TryReadStartTime(LaunchedPid) is not { } startTime)
        {
            return;
        }

        try
        {
            PidFile.Write(PidFilePath, LaunchedPid, startTime);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The instance runs fine without it; only the reaping after a platform crash is lost.
            LocalBackendLog.PidFileFailed(_logger, PidFilePath, e);
        }
    }

    private async Task<int> WatchExitAsync(Process started, Task stdout, Task stderr)
    {
        await started.WaitForExitAsync().ConfigureAwait(false);
        int exitCode;
        lock (_processGate)
        {
            _exited = true;
            exitCode = started.ExitCode;
        }

        StopProbing();
        await Task.Run(EndTree).ConfigureAwait(false);
        if (StagingDirectory is not null)
        {
            try
            {
                ArtifactStaging.Remove(StagingDirectory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LocalBackendLog.StagingRemoveFailed(_logger, StagingDirectory, e);
            }
        }

        try
        {
            PidFile.Delete(PidFilePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LocalBackendLog.PidFileFailed(_logger, PidFilePath, e);
        }

        var pumps = Task.WhenAll(stdout, stderr);
        var finished = await Task.WhenAny(pumps, Task.Delay(PumpDrainTimeout, _time)).ConfigureAwait(false) == pumps;
        Log.Dispose();
        if (finished)
        {
            started.Dispose();
        }
        else
        {
            // Disposing would close the pipes under the pumps; they end when the last writer exits.
            _ = pumps.ContinueWith(_ => started.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        return exitCode;
    }

    /// <summary>
    /// After the process started exits, nothing of the instance may stay: what is left in its cgroup or process group
    /// (a child that started its own session, sandbox off) is killed, and the cgroup removed. Sandboxed, the
    /// namespace's end has done it already.
    /// </summary>
    private void EndTree()
    {
        if (_cgroup is not null)
        {
            OomKilled = _cgroup.OomKills() > 0;
            _cgroup.KillAll();
            if (!_cgroup.Delete())
            {
                LocalBackendLog.CgroupRemoveFailed(_logger, Id);
            }
        }

        if (_ownProcessGroup)
        {
            // The leader is reaped, but its group id stays reserved while any member lives: no other process is hit.
            PosixSignals.SendToGroup(LaunchedPid, PosixSignals.SigKill);
        }
    }

    private async Task PumpAsync(Stream source, string streamName, OutputPump.LineObserver? observer)
    {
        try
        {
            await OutputPump.RunAsync(source, streamName, Log, observer).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            LocalBackendLog.OutputPumpFailed(_logger, Id, streamName, e);
        }
    }
}
