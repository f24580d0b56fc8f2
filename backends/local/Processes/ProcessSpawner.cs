using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Serverless.Backends.Local.Cgroups;
using Serverless.Backends.Local.Sandbox;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Starts every child process on one dedicated, long-lived thread.
/// </summary>
/// <remarks>
/// Linux delivers a child's parent-death signal (<c>setpriv --pdeathsig KILL</c>) when the <em>thread</em> that
/// forked it exits, not the process. .NET forks on the thread calling <c>Process.Start</c>, and thread-pool threads
/// retire when idle, which would kill healthy instances at random. This thread lives as long as the backend, so
/// the signal fires exactly when the platform dies (or the backend is disposed, after its children are stopped).
/// Being the one thread that forks also keeps a sandbox's handshake descriptors, inheritable only around their own
/// fork, out of every other child.
/// </remarks>
internal sealed class ProcessSpawner : IDisposable
{
    private readonly BlockingCollection<Request> _queue = new();
    private readonly Thread _thread;

    public ProcessSpawner()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "serverless-process-spawner" };
        _thread.Start();
    }

    /// <summary>The managed id of the spawning thread (tests check it is one thread for all starts).</summary>
    public int ThreadId => _thread.ManagedThreadId;

    /// <summary>
    /// Starts the process on the spawner thread; completes (off that thread) once it started. A
    /// <paramref name="handshake"/>'s child ends are passed to this child, and to no other.
    /// </summary>
    public async Task<Process> StartAsync(ProcessStartInfo startInfo, SandboxHandshake? handshake = null) =>
        (await StartAsync(startInfo, handshake, cgroup: null).ConfigureAwait(false)).Process;

    /// <summary>
    /// As <see cref="StartAsync(ProcessStartInfo, SandboxHandshake?)"/>, with the child born inside
    /// <paramref name="cgroup"/> when it can be (<see cref="InstanceCgroup.TryEnterAsThread"/>: this thread steps in
    /// for the fork and back out); <see cref="SpawnedProcess.BornInCgroup"/> says whether it was.
    /// </summary>
    public Task<SpawnedProcess> StartAsync(ProcessStartInfo startInfo, SandboxHandshake? handshake, InstanceCgroup? cgroup)
    {
        var request = new Request(startInfo, handshake, cgroup, new TaskCompletionSource<SpawnedProcess>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            _queue.Add(request);
        }
        catch (InvalidOperationException e)
        {
            throw new ObjectDisposedException(nameof(ProcessSpawner), e);
        }

        return request.Completion.Task;
    }

    /// <summary>
    /// .NET creates its signal-handling thread (".NET SigHandler", which also reaps children) on the first child process
    /// or signal registration, and a new thread starts in the cgroups of the thread that creates it. Were that this
    /// thread's first fork into an instance's cgroup (v1, <see cref="InstanceCgroup.TryEnterAsThread"/>), the platform's
    /// signal thread would stay in that instance's cgroup for good, and the instance's <see cref="InstanceCgroup.KillAll"/>
    /// would then SIGKILL the platform itself (seen: a backend whose first start was a pool instance, sandbox off, killed
    /// its own process when it stopped that instance). Asked here, before any fork, the thread is born where the platform is.
    /// </summary>
    private static void EnsureSignalThreadOutsideInstances()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // no cgroups
        }

        using (PosixSignalRegistration.Create(PosixSignal.SIGCONT, static _ => { }))
        {
        }
    }

    /// <summary>Stops the thread; children still alive then receive their parent-death signal.</summary>
    public void Dispose()
    {
        if (!_queue.IsAddingCompleted)
        {
            _queue.CompleteAdding();
        }

        _thread.Join();
        _queue.Dispose();
    }

    private void Run()
    {
        EnsureSignalThreadOutsideInstances();
        foreach (var request in _queue.GetConsumingEnumerable())
        {
            var process = new Process { StartInfo = request.StartInfo };
            try
            {
                var inside = request.Cgroup?.TryEnterAsThread() ?? false;
                request.Handshake?.BeforeStart();
                try
                {
                    process.Start();
                }
                finally
                {
                    request.Handshake?.AfterStart();
                    if (inside)
                    {
                        request.Cgroup!.LeaveAsThread();
                    }
                }

                request.Completion.SetResult(new SpawnedProcess(process, inside));
            }
            catch (Exception e)
            {
                // Handed to the caller: this thread must outlive any single failed start.
                process.Dispose();
                request.Completion.SetException(e);
            }
        }
    }

    private sealed record Request(ProcessStartInfo StartInfo, SandboxHandshake? Handshake, InstanceCgroup? Cgroup, TaskCompletionSource<SpawnedProcess> Completion);
}

/// <param name="BornInCgroup">The child started inside the cgroup it was given; otherwise it must be moved in.</param>
internal sealed record SpawnedProcess(Process Process, bool BornInCgroup);
