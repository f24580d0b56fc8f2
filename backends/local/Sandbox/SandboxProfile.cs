namespace Serverless.Backends.Local.Sandbox;

/// <summary>The part of every instance's <see cref="SandboxLayout"/> that is the same for the whole backend.</summary>
internal sealed record SandboxProfile(
    string BwrapPath,
    string? SetprivPath,
    (int Uid, int Gid)? RunAs,
    IReadOnlyList<SystemMount> SystemMounts,
    IReadOnlyList<string> HiddenPaths)
{
    public SandboxLayout Layout(RuntimeInstallation runtime, string artifactPath, long? tmpfsSizeBytes, int? infoFd, int? blockFd) => new()
    {
        BwrapPath = BwrapPath,
        SystemMounts = SystemMounts,
        RunAs = RunAs,
        SetprivPath = SetprivPath,
        RuntimePaths = runtime.ReadOnlyPaths,
        ArtifactPath = artifactPath,
        HiddenPaths = HiddenPaths,
        TmpfsSizeBytes = tmpfsSizeBytes,
        InfoFd = infoFd,
        BlockFd = blockFd,
    };
}
