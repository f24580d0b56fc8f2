namespace Serverless.Cli.Build;

/// <summary>
/// The modes of a sealed artifact: nothing writable, nothing for other users. Owner-only (files 0400, executables
/// 0500, directories 0500) unless the platform, running as root, gave <c>{home}/artifacts</c> to the sandbox's group
/// with the setgid bit (platform/State/ArtifactRoot): then everything created below inherits that group and is
/// sealed group-readable (0440, 0550, 0550), so a sandboxed instance, running as another uid in that group, reads
/// its artifact through its read-only bind mount.
/// </summary>
/// <param name="Shared">Readable by the group of <c>{home}/artifacts</c>.</param>
internal sealed record ArtifactPermissions(bool Shared)
{
    private const UnixFileMode OwnerReadExecute = UnixFileMode.UserRead | UnixFileMode.UserExecute;
    private const UnixFileMode GroupReadExecute = UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    /// <summary>The permissions for artifacts under <paramref name="root"/> (<c>{home}/artifacts</c>), read from its setgid bit.</summary>
    public static ArtifactPermissions For(string root) =>
        new(!OperatingSystem.IsWindows() && Directory.Exists(root) && (File.GetUnixFileMode(root) & UnixFileMode.SetGroup) != 0);

    /// <summary>A sealed directory: listable and enterable, never writable.</summary>
    public UnixFileMode SealedDirectory => Shared ? OwnerReadExecute | GroupReadExecute : OwnerReadExecute;

    /// <summary>The <c>{ns}/{name}</c> directories above the artifacts: the owner adds artifacts there.</summary>
    public UnixFileMode ParentDirectory => SealedDirectory | UnixFileMode.UserWrite;

    /// <summary>A sealed file: readable, executable when it was (a shell script, a native binary), never writable.</summary>
    public UnixFileMode SealedFile(bool executable) => (executable, Shared) switch
    {
        (true, true) => OwnerReadExecute | GroupReadExecute,
        (true, false) => OwnerReadExecute,
        (false, true) => UnixFileMode.UserRead | UnixFileMode.GroupRead,
        (false, false) => UnixFileMode.UserRead,
    };
}
