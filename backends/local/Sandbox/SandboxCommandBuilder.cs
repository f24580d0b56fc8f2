using System.Globalization;

namespace Serverless.Backends.Local.Sandbox;

/// <summary>
/// Builds the bubblewrap command line that runs one instance; pure, so every rule below is table-tested.
/// </summary>
/// <remarks>
/// What the instance gets:
/// <list type="bullet">
/// <item>New mount, PID, IPC and UTS namespaces; the network is shared (functions call out, the activator calls in).</item>
/// <item>A root of its own: the system directories and <c>/etc</c> read-only, a fresh <c>/proc</c> (it sees only its
/// own processes) and <c>/dev</c>, private writable tmpfs at <c>/tmp</c>, <c>/dev/shm</c> and its home.</item>
/// <item>Its runtime's installation and its own artifact read-only at their host paths, so <c>FUNCTION_PATH</c>
/// and the runtime's own paths mean the same inside. Nothing else of the host: no state directory, no other
/// function. A hidden path that a bind would show (a state directory under a bound runtime prefix) gets an empty
/// read-only tmpfs on top, before the artifact inside it is bound again.</item>
/// <item>As root, setpriv drops to an unprivileged uid and gid with no supplementary groups, an empty bounding set,
/// no inheritable capabilities and no new privileges. Bubblewrap cannot do it: its <c>--uid</c> needs a user
/// namespace, where that uid would still be root outside. As another user, bubblewrap's user namespace keeps
/// the user's uid, drops every capability and forbids further user namespaces.</item>
/// <item>bubblewrap's init is PID 1 of the namespace: when the runtime (its child) exits, init exits and the kernel
/// kills every process left in the namespace, even one that started its own session. <c>--die-with-parent</c>
/// ties the whole sandbox to the platform's spawner thread, as setpriv's parent-death signal does unsandboxed.</item>
/// </list>
/// Mounts are emitted parents first: bubblewrap sets them up in order, and a bind under <c>/tmp</c> must come after
/// the tmpfs there. bubblewrap makes a missing parent directory of a mount point with mode 0700 when it runs as
/// root, where the instance's uid could not pass it: so every parent outside a bind is made first, 0755. Masks are
/// remounted read-only last, once the artifact inside one is bound.
/// </remarks>
internal static class SandboxCommandBuilder
{
    public static IReadOnlyList<string> Build(SandboxLayout layout, string executable, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.RunAs is not null && layout.SetprivPath is null)
        {
            throw new ArgumentException("a sandbox that drops to another uid needs setpriv", nameof(layout));
        }

        var argv = new List<string> { layout.BwrapPath, "--unshare-pid", "--unshare-ipc", "--unshare-uts" };
        if (layout.RunAs is null)
        {
            argv.AddRange(["--unshare-user", "--disable-userns"]);
        }

        argv.AddRange(["--die-with-parent", "--new-session", "--hostname", "function"]);
        foreach (var mount in layout.SystemMounts)
        {
            argv.AddRange(mount.SymlinkTarget is { } target
                ? ["--symlink", target, mount.Path]
                : ["--ro-bind", mount.Path, mount.Path]);
        }

        // Every mount so far, and whether it shows the host's files (a bind) or starts empty (a tmpfs): a parent
        // directory exists already when the deepest mount holding it is a bind.
        var mounts = layout.SystemMounts.Where(m => m.SymlinkTarget is null).Select(m => (m.Path, Bind: true)).ToList();
        mounts.AddRange([("/proc", false), ("/dev", false)]);
        var made = new HashSet<string>(StringComparer.Ordinal);
        void MakeParents(string path)
        {
            var parents = new List<string>();
            for (var parent = Path.GetDirectoryName(path); parent is not null && parent != "/"; parent = Path.GetDirectoryName(parent))
            {
                parents.Add(parent);
            }

            parents.Reverse();
            foreach (var parent in parents)
            {
                var inBind = mounts.Where(m => SandboxPaths.Contains(m.Path, parent))
                    .OrderByDescending(m => m.Path.Length)
                    .Select(m => (bool?)m.Bind)
                    .FirstOrDefault();
                if (inBind == true)
                {
                    continue;
                }

                if (mounts.All(m => m.Path != parent) && made.Add(parent))
                {
                    argv.AddRange(["--perms", "0755", "--dir", parent]);
                }
            }
        }

        argv.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        foreach (var writable in new[] { SandboxPaths.SharedMemory, SandboxPaths.Tmp, SandboxPaths.Home })
        {
            MakeParents(writable);
            // Sticky and world-writable: as root the tmpfs belongs to root, and the instance's uid must write there.
            argv.AddRange(["--perms", "1777"]);
            if (layout.TmpfsSizeBytes is { } size)
            {
                argv.AddRange(["--size", size.ToString(CultureInfo.InvariantCulture)]);
            }

            argv.AddRange(["--tmpfs", writable]);
            mounts.Add((writable, false));
        }

        var masks = new List<string>();
        foreach (var (path, kind) in PathMounts(layout))
        {
            MakeParents(path);
            if (kind == PathKind.Mask)
            {
                argv.AddRange(["--perms", "0755", "--tmpfs", path]);
                masks.Add(path);
            }
            else
            {
                argv.AddRange(["--ro-bind", kind == PathKind.Artifact ? layout.ArtifactPath : path, path]);
            }

            mounts.Add((path, kind != PathKind.Mask));
        }

        foreach (var mask in masks)
        {
            argv.AddRange(["--remount-ro", mask]);
        }

        argv.AddRange(["--chdir", layout.ArtifactTarget]);
        if (layout.InfoFd is { } info)
        {
            argv.AddRange(["--info-fd", info.ToString(CultureInfo.InvariantCulture)]);
        }

        if (layout.BlockFd is { } block)
        {
            argv.AddRange(["--block-fd", block.ToString(CultureInfo.InvariantCulture)]);
        }

        argv.Add("--");
        if (layout.RunAs is { } id)
        {
            argv.AddRange(
            [
                layout.SetprivPath!,
                string.Create(CultureInfo.InvariantCulture, $"--reuid={id.Uid}"),
                string.Create(CultureInfo.InvariantCulture, $"--regid={id.Gid}"),
                "--clear-groups",
                "--no-new-privs",
                "--bounding-set=-all",
                "--inh-caps=-all",
                "--",
            ]);
        }

        argv.Add(executable);
        argv.AddRange(arguments);
        return argv;
    }

    /// <summary>The runtime binds, the masks over hidden paths they would show, and the artifact, parents first.</summary>
    private static IEnumerable<(string Path, PathKind Kind)> PathMounts(SandboxLayout layout)
    {
        var visible = layout.SystemMounts.Where(m => m.SymlinkTarget is null).Select(m => m.Path)
            .Concat(layout.RuntimePaths)
            .ToList();
        var entries = layout.RuntimePaths.Distinct(StringComparer.Ordinal).Select(p => (Path: p, Kind: PathKind.Runtime))
            .Concat(layout.HiddenPaths
                .Where(hidden => visible.Any(bound => SandboxPaths.Contains(bound, hidden)))
                .Select(p => (Path: p, Kind: PathKind.Mask)))
            .Append((Path: layout.ArtifactTarget, Kind: PathKind.Artifact))
            .ToList();

        // Stable: at one path a runtime bind comes first, its mask next, the artifact last.
        return entries
            .Select((entry, index) => (entry, index))
            .OrderBy(x => x.entry.Path, Comparer<string>.Create(SandboxPaths.CompareByComponents))
            .ThenBy(x => x.entry.Kind)
            .ThenBy(x => x.index)
            .Select(x => x.entry);
    }

    private enum PathKind
    {
        Runtime,
        Mask,
        Artifact,
    }
}
