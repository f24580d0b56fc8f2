using System.Globalization;
using Serverless.Backends.Local.Processes;

namespace Serverless.Backends.Local.Cgroups;

/// <summary>
/// One instance's cgroup, a directory per hierarchy (one on v2): its processes, its limits, its OOM kills. Every
/// process of the instance is in it, including children that started their own session, so killing the cgroup
/// ends the whole tree.
/// </summary>
internal sealed class InstanceCgroup
{
    /// <summary>Bounds the kill loop on v1, where a process may fork while the loop runs.</summary>
    private const int KillRounds = 50;

    private readonly CgroupVersion _version;
    private readonly IReadOnlyDictionary<string, string> _directories;
    private readonly IReadOnlyDictionary<string, string>? _homes;

    /// <param name="homes">
    /// v1: the platform's own cgroup in each of the same hierarchies, where a spawning thread returns after
    /// <see cref="TryEnterAsThread"/>; null when children can only be moved in after their start.
    /// </param>
    public InstanceCgroup(CgroupVersion version, IReadOnlyDictionary<string, string> directories, IReadOnlyDictionary<string, string>? homes = null)
    {
        _version = version;
        _directories = directories;
        _homes = version == CgroupVersion.V1 ? homes : null;
    }

    /// <summary>Whether a child can be born inside (<see cref="TryEnterAsThread"/>) rather than moved in after its start.</summary>
    public bool CanBeBornInto => _homes is not null;

    /// <summary>The instance's directory in each hierarchy, by controller (v2: one, keyed "").</summary>
    public IReadOnlyDictionary<string, string> Directories => _directories;

    private IEnumerable<string> DistinctDirectories => _directories.Values.Distinct(StringComparer.Ordinal);

    /// <summary>Moves a process in; what it forks from then on is born inside.</summary>
    public void Attach(int pid)
    {
        var text = pid.ToString(CultureInfo.InvariantCulture);
        foreach (var directory in DistinctDirectories)
        {
            File.WriteAllText(Path.Combine(directory, "cgroup.procs"), text);
        }
    }

    /// <summary>
    /// Moves the calling thread, alone, into this cgroup (v1), so that the process it forks next is born inside:
    /// nothing of it ever runs outside its limits, and nothing has to wait for it to be moved in.
    /// </summary>
    /// <remarks>
    /// Moving a process (<c>cgroup.procs</c>, or another task's id) takes the kernel's global threadgroup lock for
    /// writing, which waits for an RCU grace period: 7 to 16 ms measured here, for every move after a quiet moment.
    /// A thread moving itself (<c>0</c> into <c>tasks</c>) skips that lock: about 0.2 ms. Pair with
    /// <see cref="LeaveAsThread"/> in a finally, on the same thread. False (and the thread where it was) when
    /// the kernel refuses: the caller then moves the child in after its start.
    /// </remarks>
    public bool TryEnterAsThread()
    {
        if (_homes is null)
        {
            return false;
        }

        var entered = new List<string>();
        foreach (var (controller, directory) in _directories)
        {
            if (!TryWrite(Path.Combine(directory, "tasks"), "0"))
            {
                foreach (var done in entered)
                {
                    TryWrite(Path.Combine(_homes[done], "tasks"), "0");
                }

                return false;
            }

            entered.Add(controller);
        }

        return true;
    }

    /// <summary>Moves the calling thread back to the platform's own cgroups after <see cref="TryEnterAsThread"/>.</summary>
    public void LeaveAsThread()
    {
        foreach (var controller in _directories.Keys)
        {
            if (_homes is not null && _homes.TryGetValue(controller, out var home))
            {
                TryWrite(Path.Combine(home, "tasks"), "0");
            }
        }
    }

    /// <summary>How often the kernel's OOM killer killed a process of this cgroup.</summary>
    public long OomKills()
    {
        var (file, key) = _version == CgroupVersion.V2 ? ("memory.events", "oom_kill") : ("memory.oom_control", "oom_kill");
        var directory = _version == CgroupVersion.V2 ? _directories[CgroupLayout.Unified] : _directories.GetValueOrDefault(CgroupLayout.Memory);
        if (directory is null)
        {
            return 0;
        }

        try
        {
            return CgroupCounters.Read(File.ReadAllText(Path.Combine(directory, file)), key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>
    /// SIGKILLs every process in the cgroup: v2's <c>cgroup.kill</c> does it atomically; v1 repeats over
    /// <c>cgroup.procs</c> until it is empty (bounded), never signalling the platform itself. Returns whether nothing else is left.
    /// </summary>
    public bool KillAll()
    {
        if (_version == CgroupVersion.V2 && File.Exists(Path.Combine(_directories[CgroupLayout.Unified], "cgroup.kill")))
        {
            TryWrite(Path.Combine(_directories[CgroupLayout.Unified], "cgroup.kill"), "1");
        }

        for (var round = 0; round < KillRounds; round++)
        {
            // Never the platform: on v1 a cgroup lists a process when any one of its threads is inside, and a platform
            // thread can be (one that stepped in to fork, or one born of it: ProcessSpawner's signal thread).
            var pids = Processes().Where(pid => pid != Environment.ProcessId).ToList();
            if (pids.Count == 0)
            {
                return true;
            }

            foreach (var pid in pids)
            {
                PosixSignals.Send(pid, PosixSignals.SigKill);
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(round < 5 ? 1 : 10));
        }

        return Processes().All(pid => pid == Environment.ProcessId);
    }

    /// <summary>
    /// CPU time used by every process of the instance, in seconds: v2 <c>cpu.stat</c>'s <c>usage_usec</c>, v1
    /// <c>cpuacct.usage</c> (nanoseconds) where cpuacct is mounted with cpu; null when neither can be read.
    /// </summary>
    public double? CpuSeconds()
    {
        if (_version == CgroupVersion.V2)
        {
            return ReadText(_directories[CgroupLayout.Unified], "cpu.stat") is { } stat && stat.Contains("usage_usec", StringComparison.Ordinal)
                ? CgroupCounters.Read(stat, "usage_usec") / 1e6
                : null;
        }

        return _directories.GetValueOrDefault(CgroupLayout.Cpu) is { } cpu && ReadText(cpu, "cpuacct.usage") is { } text
            && long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds)
                ? nanoseconds / 1e9
                : null;
    }

    /// <summary>Memory charged to the instance now: v2 <c>memory.current</c>, v1 <c>memory.usage_in_bytes</c>; null when unreadable.</summary>
    public long? MemoryBytes()
    {
        var (directory, file) = _version == CgroupVersion.V2
            ? (_directories[CgroupLayout.Unified], "memory.current")
            : (_directories.GetValueOrDefault(CgroupLayout.Memory), "memory.usage_in_bytes");
        return directory is not null && ReadText(directory, file) is { } text
            && long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
                ? bytes
                : null;
    }

    private static string? ReadText(string directory, string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // no such controller file here, or removed meanwhile
        }
    }

    /// <summary>Every pid in the cgroup, in any of its hierarchies.</summary>
    public IReadOnlyList<int> Processes()
    {
        var pids = new HashSet<int>();
        foreach (var directory in DistinctDirectories)
        {
            try
            {
                foreach (var line in File.ReadAllLines(Path.Combine(directory, "cgroup.procs")))
                {
                    if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0)
                    {
                        pids.Add(pid);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Removed meanwhile: nothing left there.
            }
        }

        return pids.ToList();
    }

    /// <summary>Removes the directories; a cgroup with a process still exiting is busy for a moment, so retried briefly.</summary>
    public bool Delete()
    {
        var removed = true;
        foreach (var directory in DistinctDirectories)
        {
            removed &= CgroupTree.RemoveDirectory(directory);
        }

        return removed;
    }

    internal static bool TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
