using System.Text;

namespace Serverless.Backends.Local.Cgroups;

/// <summary>
/// Where this process's cgroups are: the directory of its own cgroup in each hierarchy that has a controller we use.
/// Parsed from <c>/proc/self/cgroup</c> and <c>/proc/self/mountinfo</c>; pure, so hybrid, unified and containerised
/// layouts are table-tested.
/// </summary>
/// <param name="Directories">
/// v2: one entry, key <see cref="Unified"/>. v1: one per controller found (<c>memory</c>, <c>cpu</c>, <c>pids</c>);
/// controllers mounted together (<c>cpu,cpuacct</c>) share a directory.
/// </param>
internal sealed record CgroupLayout(CgroupVersion Version, IReadOnlyDictionary<string, string> Directories)
{
    public const string Unified = "";
    public const string Memory = "memory";
    public const string Cpu = "cpu";
    public const string Pids = "pids";

    public static readonly IReadOnlyList<string> Controllers = [Memory, Cpu, Pids];

    /// <summary>
    /// v1 when a v1 memory hierarchy is mounted (hybrid systems mount an empty cgroup2 beside it, so v2 is the choice
    /// only without one); else v2 when cgroup2 is mounted; else null.
    /// </summary>
    public static CgroupLayout? Parse(string procSelfCgroup, string mountInfo)
    {
        var memberships = procSelfCgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 3))
            .Where(parts => parts.Length == 3)
            .Select(parts => (Controllers: parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries), Path: parts[2]))
            .ToList();
        var mounts = mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ParseMount).OfType<Mount>().ToList();

        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var controller in Controllers)
        {
            var mount = mounts.FirstOrDefault(m => m.Type == "cgroup" && m.Options.Contains(controller));
            var membership = memberships.FirstOrDefault(m => m.Controllers.Contains(controller));
            if (mount is not null && membership.Path is not null && Below(mount, membership.Path) is { } directory)
            {
                v1[controller] = directory;
            }
        }

        if (v1.ContainsKey(Memory))
        {
            return new CgroupLayout(CgroupVersion.V1, v1);
        }

        var unifiedMount = mounts.FirstOrDefault(m => m.Type == "cgroup2");
        var unified = memberships.FirstOrDefault(m => m.Controllers.Length == 0);
        return unifiedMount is not null && unified.Path is not null && Below(unifiedMount, unified.Path) is { } own
            ? new CgroupLayout(CgroupVersion.V2, new Dictionary<string, string>(StringComparer.Ordinal) { [Unified] = own })
            : null;
    }

    /// <summary>
    /// The directory of cgroup <paramref name="path"/> under a mount of that hierarchy whose root may itself be a
    /// cgroup (a container's view): <c>/sys/fs/cgroup</c> + (<c>/a/b</c> − root <c>/a</c>) = <c>/sys/fs/cgroup/b</c>.
    /// Null when the cgroup is outside what the mount shows.
    /// </summary>
    private static string? Below(Mount mount, string path)
    {
        var root = mount.Root.TrimEnd('/');
        if (root.Length > 0 && path != root && !path.StartsWith(root + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var relative = path[root.Length..].Trim('/');
        return relative.Length == 0 ? mount.Point : mount.Point.TrimEnd('/') + "/" + relative;
    }

    /// <summary>One mountinfo line: <c>36 25 0:31 /root /mnt/point rw,… shared:1 - cgroup cgroup rw,memory</c>.</summary>
    private static Mount? ParseMount(string line)
    {
        var fields = line.Split(' ');
        var separator = Array.IndexOf(fields, "-");
        if (fields.Length < 5 || separator < 6 || separator + 3 > fields.Length)
        {
            return null;
        }

        var options = separator + 3 < fields.Length ? fields[separator + 3].Split(',') : [];
        return new Mount(Unescape(fields[3]), Unescape(fields[4]), fields[separator + 1], options);
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as three octal digits (<c>\040</c>).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static bool IsOctal(string text, int start) =>
        start + 3 <= text.Length && text.AsSpan(start, 3).IndexOfAnyExcept("01234567") < 0;

    private sealed record Mount(string Root, string Point, string Type, string[] Options);
}
