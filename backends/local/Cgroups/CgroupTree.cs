using System.Security.Cryptography;
using System.Text;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Cgroups;

/// <summary>
/// The backend's own cgroup subtree, <c>serverless-{hash of the state directory}</c> under the platform's cgroup in
/// each hierarchy, with one child per instance. Keyed by the state directory so that a platform restarted on it
/// finds and clears what a killed predecessor left, and two platforms never touch each other's.
/// </summary>
/// <remarks>
/// On v2 a cgroup that hands controllers to its children may hold no process itself, and the platform's own cgroup
/// holds the platform. So the platform first moves itself into a leaf, <c>serverless-platform</c>, beside the
/// instances, then enables the controllers for its old cgroup's children. That works as root, and in a cgroup
/// delegated to the user (a systemd unit or scope with <c>Delegate=yes</c>); when the platform's cgroup holds
/// other processes (a login session's), it cannot, and limits are reported as not enforced.
/// </remarks>
internal sealed class CgroupTree
{
    public const string PlatformLeaf = "serverless-platform";

    private readonly CgroupVersion _version;
    private readonly IReadOnlyDictionary<string, string> _bases;
    private readonly string _platformCgroup;

    private CgroupTree(CgroupVersion version, IReadOnlyDictionary<string, string> bases, IReadOnlySet<string> controllers, string platformCgroup)
    {
        _version = version;
        _bases = bases;
        Controllers = controllers;
        _platformCgroup = platformCgroup;
    }

    public CgroupVersion Version => _version;

    /// <summary>The controllers instance cgroups get (memory, cpu, pids), whichever could be set up.</summary>
    public IReadOnlySet<string> Controllers { get; }

    /// <summary>Sets the subtree up (clearing a predecessor's leftovers), or says why it cannot.</summary>
    public static CgroupTree? TrySetUp(string stateDirectory, out string? unavailable)
    {
        CgroupLayout? layout;
        try
        {
            layout = CgroupLayout.Parse(File.ReadAllText("/proc/self/cgroup"), File.ReadAllText("/proc/self/mountinfo"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            unavailable = "cgroups cannot be read here (" + e.Message + ")";
            return null;
        }

        if (layout is null)
        {
            unavailable = "no cgroup hierarchy with a memory controller is mounted here";
            return null;
        }

        var name = "serverless-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(stateDirectory))))[..12];
        try
        {
            var tree = layout.Version == CgroupVersion.V2 ? SetUpUnified(layout, name) : SetUpSplit(layout, name);
            tree.RemoveLeftovers();
            unavailable = tree.Controllers.Count == 0 ? "no cgroup controller could be enabled for instances" : null;
            return tree;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            unavailable = $"cannot create cgroups under {string.Join(", ", layout.Directories.Values.Distinct())} ({e.Message}): "
                + "run the platform as root, or in a cgroup delegated to you (systemd-run --user --scope -p Delegate=yes func up)";
            return null;
        }
    }

    /// <summary>
    /// Starts the kernel's slow part of a cgroup migration early, so that a sandbox's, moments later, is fast.
    /// </summary>
    /// <remarks>
    /// Every migration takes the kernel's global cgroup threadgroup lock for writing, and the first write after a
    /// quiet while waits for an RCU grace period first (measured here: 8 to 16 ms for the first move into the
    /// instance's memory cgroup, 0.1 ms for the next ones). A sandbox waits for its move before its runtime starts
    /// (<see cref="Sandbox.SandboxHandshake"/>), so that wait would add to every cold start. Moving the platform
    /// into the cgroup it is already in changes nothing but pays that grace period while the instance's cgroup,
    /// log and sandbox are still being made; the instance's own moves then find the lock warm. Best effort: on any
    /// error the moves are only slower.
    /// </remarks>
    public void PrimeMigration()
    {
        try
        {
            File.WriteAllText(Path.Combine(_platformCgroup, "cgroup.procs"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only the speed-up is lost.
        }
    }

    /// <summary>Creates the instance's cgroup with its limits. Throws when the kernel refuses a limit.</summary>
    public InstanceCgroup Create(string instanceId, WorkloadResources resources, int pidsLimit)
    {
        var directories = _bases.ToDictionary(b => b.Key, b => Path.Combine(b.Value, instanceId), StringComparer.Ordinal);
        foreach (var directory in directories.Values.Distinct(StringComparer.Ordinal))
        {
            Directory.CreateDirectory(directory);
        }

        var homes = _version == CgroupVersion.V1
            ? _bases.ToDictionary(b => b.Key, b => Path.GetDirectoryName(b.Value)!, StringComparer.Ordinal)
            : null;
        var cgroup = new InstanceCgroup(_version, directories, homes);
        try
        {
            Limit(cgroup, resources, pidsLimit);
        }
        catch
        {
            cgroup.Delete();
            throw;
        }

        return cgroup;
    }

    /// <summary>
    /// Writes <paramref name="resources"/>' limits into an instance's cgroup: at its creation, and when a pool instance
    /// takes its function's. Throws when the kernel refuses a limit (v1 refuses a memory limit it cannot reclaim down
    /// to), leaving the limits written before it.
    /// </summary>
    public void Limit(InstanceCgroup cgroup, WorkloadResources resources, int pidsLimit)
    {
        foreach (var write in CgroupLimits.Writes(_version, resources, pidsLimit, Controllers))
        {
            var directory = _version == CgroupVersion.V2 ? cgroup.Directories[CgroupLayout.Unified] : cgroup.Directories[write.Controller];
            var path = Path.Combine(directory, write.File);
            if (!InstanceCgroup.TryWrite(path, write.Value) && !write.Optional)
            {
                throw new IOException($"cannot write {write.Value} to {path}");
            }
        }
    }

    /// <summary>Removes the subtree's own directories once the instances' are gone (best effort).</summary>
    public void Remove()
    {
        foreach (var directory in _bases.Values.Distinct(StringComparer.Ordinal))
        {
            RemoveDirectory(directory);
        }
    }

    /// <summary>rmdir, retried briefly: a cgroup whose last process is exiting stays busy for a moment.</summary>
    internal static bool RemoveDirectory(string directory)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                // Not recursive: a cgroup directory's files are not deletable, rmdir of the directory is the way.
                Directory.Delete(directory, recursive: false);
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                return true;
            }
            catch (IOException)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(5 * (attempt + 1)));
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }

        return false;
    }

    private static CgroupTree SetUpSplit(CgroupLayout layout, string name)
    {
        var bases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (controller, own) in layout.Directories)
        {
            var directory = Path.Combine(own, name);
            Directory.CreateDirectory(directory);
            bases[controller] = directory;
        }

        // Any hierarchy will do for PrimeMigration: the lock is one for all.
        return new CgroupTree(CgroupVersion.V1, bases, bases.Keys.ToHashSet(StringComparer.Ordinal), layout.Directories.Values.First());
    }

    private static CgroupTree SetUpUnified(CgroupLayout layout, string name)
    {
        var own = layout.Directories[CgroupLayout.Unified];

        // A second backend in the same process finds the platform already in its leaf.
        var parent = Path.GetFileName(own) == PlatformLeaf ? Path.GetDirectoryName(own)! : own;
        var leaf = Path.Combine(parent, PlatformLeaf);
        if (parent == own)
        {
            Directory.CreateDirectory(leaf);
            File.WriteAllText(Path.Combine(leaf, "cgroup.procs"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Enable(parent);
        var directory = Path.Combine(parent, name);
        Directory.CreateDirectory(directory);
        var enabled = Enable(directory);
        return new CgroupTree(
            CgroupVersion.V2,
            new Dictionary<string, string>(StringComparer.Ordinal) { [CgroupLayout.Unified] = directory },
            enabled,
            leaf);
    }

    /// <summary>Enables for a v2 cgroup's children each controller it has; returns those enabled.</summary>
    private static HashSet<string> Enable(string directory)
    {
        var available = File.ReadAllText(Path.Combine(directory, "cgroup.controllers")).Split(' ', '\n', StringSplitOptions.RemoveEmptyEntries);
        var enabled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var controller in CgroupLayout.Controllers.Intersect(available))
        {
            // One at a time: a controller the parent does not delegate fails alone.
            if (InstanceCgroup.TryWrite(Path.Combine(directory, "cgroup.subtree_control"), "+" + controller))
            {
                enabled.Add(controller);
            }
        }

        return enabled;
    }

    /// <summary>Instance cgroups left by a predecessor on this state directory: their processes are killed, the directories removed.</summary>
    private void RemoveLeftovers()
    {
        var names = _bases.Values
            .Distinct(StringComparer.Ordinal)
            .SelectMany(b => Directory.EnumerateDirectories(b).Select(Path.GetFileName))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var name in names)
        {
            var stale = new InstanceCgroup(_version, _bases.ToDictionary(b => b.Key, b => Path.Combine(b.Value, name), StringComparer.Ordinal));
            stale.KillAll();
            stale.Delete();
        }
    }
}
