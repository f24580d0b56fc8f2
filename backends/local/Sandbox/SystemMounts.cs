namespace Serverless.Backends.Local.Sandbox;

/// <summary>Finds what of the host's system files every sandbox shows: looked up once per backend.</summary>
internal static class SystemMounts
{
    /// <summary>
    /// The directories programs and shared libraries come from, and <c>/etc</c> (name resolution, TLS roots, time
    /// zones, passwd). Secrets in <c>/etc</c> stay protected by their modes: as root the instance runs as another uid,
    /// otherwise it is the user who can read them anyway.
    /// </summary>
    public static readonly IReadOnlyList<string> Candidates = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"];

    /// <summary>
    /// Files in <c>/etc</c> that are often symlinks into <c>/run</c> (systemd-resolved's <c>resolv.conf</c>): their
    /// targets are bound too, or name resolution would break inside.
    /// </summary>
    public static readonly IReadOnlyList<string> LinkedFiles = ["/etc/resolv.conf", "/etc/hosts", "/etc/localtime"];

    public static IReadOnlyList<SystemMount> Discover()
    {
        var mounts = new List<SystemMount>();
        foreach (var path in Candidates)
        {
            var info = new DirectoryInfo(path);
            if (info.LinkTarget is { } target)
            {
                mounts.Add(new SystemMount(path, target));
            }
            else if (info.Exists)
            {
                mounts.Add(new SystemMount(path));
            }
        }

        var bound = mounts.Where(m => m.SymlinkTarget is null).Select(m => m.Path).ToList();
        foreach (var file in LinkedFiles)
        {
            if (NativeFiles.RealPath(file) is { } real && File.Exists(real) && !bound.Any(b => SandboxPaths.Contains(b, real)))
            {
                mounts.Add(new SystemMount(real));
            }
        }

        return mounts;
    }
}
