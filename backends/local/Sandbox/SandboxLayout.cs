namespace Serverless.Backends.Local.Sandbox;

/// <summary>Everything one instance's sandbox command line depends on, gathered by the I/O around the builder.</summary>
internal sealed record SandboxLayout
{
    public required string BwrapPath { get; init; }

    /// <summary>The host's system directories and files, in the order bubblewrap sets them up.</summary>
    public required IReadOnlyList<SystemMount> SystemMounts { get; init; }

    /// <summary>
    /// Set when the platform runs as root: the instance drops to this uid and gid through setpriv inside the
    /// sandbox. Null: the platform is not root, and bubblewrap's user namespace keeps the platform's own uid.
    /// </summary>
    public (int Uid, int Gid)? RunAs { get; init; }

    /// <summary>Required with <see cref="RunAs"/>.</summary>
    public string? SetprivPath { get; init; }

    /// <summary>The runtime's installation and files (its executable's prefix, its script's folder), read-only.</summary>
    public required IReadOnlyList<string> RuntimePaths { get; init; }

    /// <summary>The function's own artifact, read-only, also the working directory.</summary>
    public required string ArtifactPath { get; init; }

    /// <summary>
    /// Where <see cref="ArtifactPath"/> appears inside the sandbox; null: at its own path. A pool instance's staging
    /// directory lives in the state directory, whose path the instance must not even see: it appears at
    /// <see cref="SandboxPaths.PooledFunction"/>.
    /// </summary>
    public string? ArtifactMountPath { get; init; }

    /// <summary>The artifact's path inside the sandbox: the function's <c>FUNCTION_PATH</c> and working directory.</summary>
    public string ArtifactTarget => ArtifactMountPath ?? ArtifactPath;

    /// <summary>Paths no instance may see (the state directory): hidden under an empty tmpfs if a bind would show them.</summary>
    public required IReadOnlyList<string> HiddenPaths { get; init; }

    /// <summary>The size of each writable tmpfs (<c>/tmp</c>, the home, <c>/dev/shm</c>); null leaves the kernel's default.</summary>
    public long? TmpfsSizeBytes { get; init; }

    /// <summary>The child's end of the pipe bubblewrap writes <c>{"child-pid": …}</c> to once the namespaces exist.</summary>
    public int? InfoFd { get; init; }

    /// <summary>The child's end of the pipe bubblewrap waits on before it starts the runtime (so the cgroup is set first).</summary>
    public int? BlockFd { get; init; }
}
