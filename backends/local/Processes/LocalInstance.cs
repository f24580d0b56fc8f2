using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Serverless.Core.Contracts;
using Serverless.Hosting.Processes;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// One runtime process: its port, log, pid file and exit. Lifecycle flags (<see cref="State"/>,
/// <see cref="StopRequested"/>, …) are changed only by the owning <see cref="FunctionWorkload"/> under its lock;
/// <see cref="State"/> is also read without it by the probe loop, which re-checks under the lock before acting.
/// </summary>
internal sealed class LocalInstance
{
    /// <summary>Instances listen on loopback only: the activator in the same host is their one client.</summary>
    public const string Host = "127.0.0.1";

    /// <summary>How long an exit waits for the output pumps to reach EOF (a grandchild may keep the pipes open).</summary>
    private static readonly TimeSpan PumpDrainTimeout = TimeSpan.FromSeconds(2);

    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly CancellationTokenSource lifetime = new();
    private readonly object processGate = new();
    private volatile LocalInstanceState state = LocalInstanceState.Starting;
    private Process? process;
    private bool exited;

    public LocalInstance(
        string id,
        long sequence,
        WorkloadSpec spec,
        int port,
        string logPath,
        string pidFilePath,
        long logMaxBytes,
        TimeProvider time,
        ILogger logger)
    {
        Id = id;
        Sequence = sequence;
        Spec = spec;
        Port = port;
        PidFilePath = pidFilePath;
        this.time = time;
        this.logger = logger;
        Log = new InstanceLogWriter(logPath, logMaxBytes, time);
    }

    public string Id { get; }

    public long Sequence { get; }

    public WorkloadSpec Spec { get; }

    public string Revision => Spec.Revision;

    public int Port { get; }

    public string PidFilePath { get; }

    public InstanceLogWriter Log { get; }

    public int Pid { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public LocalInstanceState State
    {
        get => state;
        set => state = value;
    }

    public bool EverReady { get; set; }

    /// <summary>The supervisor asked it to stop: its exit is expected and not a failure.</summary>
    public bool StopRequested { get; set; }

    /// <summary>Why the supervisor killed it, when that was not a drain (e.g. the startup timeout).</summary>
    public string? KillReason { get; set; }

    /// <summary>Cancelled once the instance drains or exits; stops its readiness probes.</summary>
    public CancellationToken Lifetime => lifetime.Token;

    /// <summary>The exit code, once the process exited and its output is in the log.</summary>
    public Task<int> Exited { get; private set; } = Task.FromResult(-1);

    public InstanceEndpoint Endpoint => new(Id, Host, Port, Spec.ContainerConcurrency);

    public async Task StartAsync(ProcessSpawner spawner, InstanceLaunch launch)
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

        var started = await spawner.StartAsync(startInfo).ConfigureAwait(false);
        process = started;
        Pid = started.Id;
        StartedAt = time.GetUtcNow();

        // Closed stdin: a runtime must not read the platform's terminal.
        started.StandardInput.Close();
        var stdout = PumpAsync(started.StandardOutput.BaseStream, "stdout");
        var stderr = PumpAsync(started.StandardError.BaseStream, "stderr");

        WritePidFile();
        Exited = WatchExitAsync(started, stdout, stderr);
    }

    /// <summary>Signals the process unless it already exited (its pid may then belong to someone else).</summary>
    public bool Signal(int signal)
    {
        lock (processGate)
        {
            return process is not null && !exited && !process.HasExited && PosixSignals.Send(Pid, signal);
        }
    }

    public void StopProbing() => lifetime.Cancel();

    private void WritePidFile()
    {
        // No start time: the process is already gone, and so is any need to reap it later.
        if (ProcStat.TryReadStartTime(Pid) is not { } startTime)
        {
            return;
        }

        try
        {
            PidFile.Write(PidFilePath, Pid, startTime);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The instance runs fine without it; only the reaping after a platform crash is lost.
            LocalBackendLog.PidFileFailed(logger, PidFilePath, e);
        }
    }

    private async Task<int> WatchExitAsync(Process started, Task stdout, Task stderr)
    {
        await started.WaitForExitAsync().ConfigureAwait(false);
        int exitCode;
        lock (processGate)
        {
            exited = true;
            exitCode = started.ExitCode;
        }

        StopProbing();
        try
        {
            PidFile.Delete(PidFilePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LocalBackendLog.PidFileFailed(logger, PidFilePath, e);
        }

        var pumps = Task.WhenAll(stdout, stderr);
        var finished = await Task.WhenAny(pumps, Task.Delay(PumpDrainTimeout, time)).ConfigureAwait(false) == pumps;
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

    private async Task PumpAsync(Stream source, string streamName)
    {
        try
        {
            await OutputPump.RunAsync(source, streamName, Log).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            LocalBackendLog.OutputPumpFailed(logger, Id, streamName, e);
        }
    }
}
